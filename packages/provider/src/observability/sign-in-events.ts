import { isSsoError } from '@ssokit/protocol';
import type { Provider } from '../create-provider.ts';
import type { SignInAttempt, SignInResult } from '../sign-in/check-sign-in.ts';
import type { SignInOutcome } from './provider-events.ts';

/**
 * Tells the observers how a sign-in ended. A refused password is told apart (unknown user,
 * inactive account, wrong password) by one lookup after the answer is decided, for metrics
 * and the audit trail only: the page shows the same text whatever the reason.
 */
export async function reportSignIn(
  provider: Provider,
  attempt: SignInAttempt,
  result: SignInResult,
): Promise<void> {
  if (!provider.events.observed) return;
  let outcome: SignInOutcome;
  if (result.outcome === 'bad_credentials') outcome = await refusalReason(provider, attempt.username ?? '');
  else outcome = result.outcome;
  emitSignIn(provider, attempt, outcome);
}

/** For a sign-in that failed with an error (a store down): reports it, then rethrows. */
export function reportSignInError(provider: Provider, attempt: SignInAttempt, error: unknown): never {
  if (isSsoError(error) && error.status === 503) emitSignIn(provider, attempt, 'unavailable');
  throw error;
}

async function refusalReason(provider: Provider, username: string): Promise<SignInOutcome> {
  try {
    const account = await provider.accounts.findByUsername(username);
    if (account === undefined) return 'unknown_user';
    return account.isActive ? 'wrong_password' : 'inactive_user';
  } catch {
    // The database went away between the check and this lookup; the refusal stands.
    return 'wrong_password';
  }
}

function emitSignIn(provider: Provider, attempt: SignInAttempt, outcome: SignInOutcome): void {
  provider.events.emit({
    type: 'sign_in',
    outcome,
    username: attempt.username ?? null,
    address: attempt.address,
    via: attempt.via,
    apiKey: attempt.apiKey ?? null,
  });
}
