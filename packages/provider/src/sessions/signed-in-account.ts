import type { IncomingMessage } from 'node:http';
import type { Account } from '../accounts/account.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { constantTimeEqual } from '../tokens/random-token.ts';
import type { ProviderSessions } from './provider-sessions.ts';

/** What the session check needs of a provider. */
export interface SessionsAndAccounts {
  readonly sessions: ProviderSessions;
  readonly accounts: Pick<AccountStore, 'findById'>;
}

export interface SignedIn {
  account: Account;
  /** The id of this browser's provider session (to keep it when ending the others). */
  sessionId: string;
}

/**
 * The account of this browser's provider session, or undefined: the one check of every page
 * that needs the signed-in user. The account must exist, be active and have the password the
 * session was made with (its `sessionAuthHash`): a password changed anywhere (the CLI, another
 * process) signs the session out here, even one in another process's memory store. A session
 * that fails this is destroyed.
 */
export async function signedInAccount(
  provider: SessionsAndAccounts,
  req: IncomingMessage,
): Promise<SignedIn | undefined> {
  const { sessions } = provider;
  const token = readCookie(req, SESSION_COOKIE);
  const session = await sessions.read(token);
  const sessionId = sessions.idOf(token);
  if (session === undefined || sessionId === undefined) return undefined;
  const account = await provider.accounts.findById(session.userId);
  if (
    account?.isActive &&
    session.authHash !== undefined &&
    constantTimeEqual(session.authHash, account.sessionAuthHash)
  ) {
    return { account, sessionId };
  }
  await sessions.destroy(token);
  return undefined;
}
