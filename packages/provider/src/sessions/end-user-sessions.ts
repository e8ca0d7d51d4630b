import type { Account } from '../accounts/account.ts';
import type { ProviderEvents } from '../observability/provider-events.ts';
import type { ProviderSessions } from './provider-sessions.ts';

/** Why a user's sessions end (the reasons of single logout's notices). */
export type EndSessionsReason = 'admin-logout' | 'password-changed' | 'deactivated' | 'removed';

export interface EndUserSessionsOptions {
  reason: EndSessionsReason;
  /** A session id to keep (the browser of a user who changed their own password). */
  except?: string;
}

/**
 * Ends in client apps, when the provider has single logout (`provider.singleLogout`, found by
 * its shape so this file does not depend on it).
 */
interface ClientLogout {
  endAccountSessions(userId: number, reason?: EndSessionsReason): Promise<number>;
}

function clientLogoutOf(provider: object): ClientLogout | undefined {
  const logout = (provider as { singleLogout?: Partial<ClientLogout> }).singleLogout;
  return typeof logout?.endAccountSessions === 'function' ? (logout as ClientLogout) : undefined;
}

/**
 * Ends a user's sessions: every trigger of the admin and account pages and of the CLI (an
 * administrator's "End all sessions", a deactivation, a removal, a password reset or change)
 * goes through here. It ends
 * the provider's own sessions of the account, and for an administrator's "End all sessions"
 * also the account's sessions in every client app through single logout when the provider has
 * it (a password change, deactivation or removal queues those notices in the account store's own
 * change). Returns how many provider sessions ended.
 */
export async function endUserSessions(
  provider: { readonly sessions: ProviderSessions; readonly events?: ProviderEvents },
  account: Pick<Account, 'id' | 'username'>,
  options: EndUserSessionsOptions,
): Promise<number> {
  const { sessions } = provider;
  let ended = 0;
  for (const session of await sessions.listForUser(account.id)) {
    if (session.id === options.except) continue;
    if (await sessions.endById(account.id, session.id)) ended++;
  }
  if (options.reason === 'admin-logout')
    await clientLogoutOf(provider)?.endAccountSessions(account.id, options.reason);
  provider.events?.emit({ type: 'sessions_ended', username: account.username, outcome: options.reason });
  return ended;
}
