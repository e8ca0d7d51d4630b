import type { IncomingMessage } from 'node:http';
import type { Account } from '../accounts/account.ts';
import type { Provider } from '../create-provider.ts';
import { readCookie, SESSION_COOKIE } from '../http/cookies.ts';

export interface SignedIn {
  account: Account;
  /** The id of this browser's provider session (to keep it when ending the others). */
  sessionId: string;
}

/** The active account of this browser's provider session, or undefined. */
export async function signedInAccount(
  provider: Provider,
  req: IncomingMessage,
): Promise<SignedIn | undefined> {
  const token = readCookie(req, SESSION_COOKIE);
  const session = await provider.sessions.read(token);
  if (session === undefined) return undefined;
  const account = await provider.accounts.findById(session.userId);
  const sessionId = provider.sessions.idOf(token);
  if (account === undefined || !account.isActive || sessionId === undefined) return undefined;
  return { account, sessionId };
}
