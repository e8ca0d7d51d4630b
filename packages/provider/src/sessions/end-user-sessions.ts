import type { Account } from '../accounts/account.ts';
import type { ProviderSessions } from './provider-sessions.ts';

export interface EndUserSessionsOptions {
  /** A session id to keep (the browser of a user who changed their own password). */
  except?: string;
}

/**
 * Ends a user's sessions: every trigger (an administrator, a deactivation, a password change)
 * goes through here, so ending them in the client apps as well (single logout: notices to
 * each client app that got a token from one of these sessions) is added in this one place.
 * Today it ends the provider's own sessions of the account. Returns how many ended.
 */
export async function endUserSessions(
  sessions: ProviderSessions,
  account: Pick<Account, 'id'>,
  options: EndUserSessionsOptions = {},
): Promise<number> {
  let ended = 0;
  for (const session of await sessions.listForUser(account.id)) {
    if (session.id === options.except) continue;
    if (await sessions.endById(account.id, session.id)) ended++;
  }
  return ended;
}
