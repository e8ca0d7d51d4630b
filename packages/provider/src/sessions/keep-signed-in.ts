import type { SessionsAndAccounts } from './signed-in-account.ts';

/**
 * After a password change made from this browser's session (the user's own change, an admin
 * resetting their own password): gives that session the account's new `sessionAuthHash`, so
 * it stays signed in while every other session of the account no longer matches.
 */
export async function keepSignedIn(
  provider: SessionsAndAccounts,
  userId: number,
  sessionId: string,
): Promise<void> {
  const account = await provider.accounts.findById(userId);
  if (account !== undefined) await provider.sessions.renewAuthHash(sessionId, account.sessionAuthHash);
}
