import { type Account, canonicalUsername, isValidUsername } from '../accounts/account.ts';
import type { Provider } from '../create-provider.ts';
import { reportSignIn, reportSignInError } from '../observability/sign-in-events.ts';

export type SignInResult =
  | { outcome: 'success'; account: Account }
  | { outcome: 'missing_fields' | 'bad_credentials' }
  | { outcome: 'rate_limited'; retryAfterSeconds: number };

export interface SignInAttempt {
  username: string | undefined;
  password: string | undefined;
  address: string;
  /** Which form: the provider's own `/login/`, or the SSO page for a client's API key. */
  via: 'provider' | 'sso';
  apiKey?: string;
}

/**
 * One sign-in attempt, for both login forms: a slot of every rate limit is reserved first
 * (before any hashing, so a flood of guesses costs no CPU), then the password is checked and
 * the slot kept as a failure or given back, then one log line tells the outcome.
 * The log line names the user, the form, the client's API key and the address; never the
 * password.
 */
export async function checkSignIn(provider: Provider, attempt: SignInAttempt): Promise<SignInResult> {
  const result = await attemptSignIn(provider, attempt).catch((error) =>
    reportSignInError(provider, attempt, error),
  );
  const details = {
    event: 'login',
    via: attempt.via,
    username: attempt.username ?? null,
    outcome: result.outcome,
    apiKey: attempt.apiKey ?? null,
    address: attempt.address,
  };
  if (result.outcome === 'success') provider.logger.info(details, 'login succeeded');
  else provider.logger.warn(details, 'login refused');
  await reportSignIn(provider, attempt, result);
  return result;
}

async function attemptSignIn(provider: Provider, attempt: SignInAttempt): Promise<SignInResult> {
  const { password, address } = attempt;
  // The rule of Django's login form and of every database: trimmed, NFKC, then exact.
  const username = canonicalUsername(attempt.username ?? '');
  if (!username || !password) return { outcome: 'missing_fields' };
  // No account can have it: nothing to guess, so nothing to hash or count.
  if (!isValidUsername(username)) return { outcome: 'bad_credentials' };
  const verdict = await provider.rateLimiter.begin(username, address);
  if (!verdict.allowed) return { outcome: 'rate_limited', retryAfterSeconds: verdict.retryAfterSeconds };
  const { reservation } = verdict;
  let account: Account | undefined;
  try {
    account = await provider.accounts.verifyCredentials(username, password);
  } catch (error) {
    // No password was checked (the database is down): the attempt does not count.
    await reservation.release();
    throw error;
  }
  if (account === undefined) {
    await reservation.failed();
    return { outcome: 'bad_credentials' };
  }
  await reservation.succeeded();
  const at = new Date(provider.options.now());
  await provider.accounts.recordLogin(account.id, at);
  return { outcome: 'success', account: { ...account, lastLogin: at } };
}
