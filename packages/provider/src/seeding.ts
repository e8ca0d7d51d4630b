import type { ApiKeyRegistration } from '@ssokit/stores';
import type { Account, NewAccount } from './accounts/account.ts';
import type { AccountStore } from './accounts/account-store.ts';
import type { AddClientInput, SqlClientStore } from './clients/sql-client-store.ts';

/**
 * The account, added when absent. An existing account is returned unchanged (its password
 * is not reset), so a demo or a deployment script can seed on every start.
 */
export async function ensureAccount(
  accounts: AccountStore,
  input: NewAccount,
): Promise<{ account: Account; created: boolean }> {
  const existing = await accounts.findByUsername(input.username);
  if (existing !== undefined) return { account: existing, created: false };
  try {
    return { account: await accounts.add(input), created: true };
  } catch (error) {
    // Another process seeding at the same moment won the race: its account is the one.
    const raced = await accounts.findByUsername(input.username);
    if (raced !== undefined) return { account: raced, created: false };
    throw error;
  }
}

/**
 * The client registration for `input.apiKey`, added when absent. An existing registration is
 * returned as stored (its secrets and host are not changed).
 */
export async function ensureClient(
  clients: SqlClientStore,
  input: AddClientInput & { apiKey: string },
): Promise<{ client: ApiKeyRegistration; created: boolean }> {
  const existing = await clients.findApiKey(input.apiKey);
  if (existing !== undefined) return { client: existing, created: false };
  try {
    return { client: await clients.add(input), created: true };
  } catch (error) {
    const raced = await clients.findApiKey(input.apiKey);
    if (raced !== undefined) return { client: raced, created: false };
    throw error;
  }
}
