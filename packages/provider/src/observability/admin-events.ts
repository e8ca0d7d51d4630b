import type { AccountStore } from '../accounts/account-store.ts';
import type { SqlClientStore } from '../clients/sql-client-store.ts';
import type { ProviderEvent, ProviderEvents } from './provider-events.ts';

type Reports<T> = {
  [K in keyof T]?: T[K] extends (...args: infer A) => Promise<infer R>
    ? (result: R, args: A) => ProviderEvent | undefined
    : never;
};

/**
 * The store with an event emitted after each change that succeeded, so every way of changing
 * accounts and clients (the admin CLI, seeding, an app's own code) lands in the audit trail.
 */
function reporting<T extends object>(target: T, events: ProviderEvents, reports: Reports<T>): T {
  const wrappers = new Map<string | symbol, unknown>();
  for (const [name, report] of Object.entries(reports) as Array<
    [string, (r: unknown, a: unknown[]) => ProviderEvent | undefined]
  >) {
    const method = (target as Record<string, unknown>)[name];
    if (typeof method !== 'function') continue;
    wrappers.set(name, async (...args: unknown[]) => {
      const result = await (method as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      const event = report(result, args);
      if (event !== undefined) events.emit(event);
      return result;
    });
  }
  return new Proxy(target, {
    get(object, property) {
      return wrappers.get(property) ?? Reflect.get(object, property, object);
    },
  });
}

export function reportingAccountStore(store: AccountStore, events: ProviderEvents): AccountStore {
  return reporting(store, events, {
    add: (account) => ({ type: 'account_added', username: account.username }),
    remove: (removed, [username]) => (removed ? { type: 'account_removed', username } : undefined),
    setPassword: (changed, [username]) =>
      changed ? { type: 'account_password_changed', username } : undefined,
    update: (account) =>
      account === undefined ? undefined : { type: 'account_changed', username: account.username },
    setActive: (changed, [username, active]) => {
      if (!changed) return undefined;
      return active ? { type: 'account_activated', username } : { type: 'account_deactivated', username };
    },
  });
}

export function reportingClientStore(store: SqlClientStore, events: ProviderEvents): SqlClientStore {
  return reporting(store, events, {
    add: (registration, [input]) => ({
      type: 'client_registered',
      apiKey: registration.apiKey,
      host: registration.host ?? input.host,
    }),
    remove: (removed, [apiKey]) => (removed ? { type: 'client_removed', apiKey } : undefined),
    rotateSecret: (registration, [apiKey]) =>
      registration === undefined ? undefined : { type: 'client_secret_rotated', apiKey },
    retireOldSecrets: (registration, [apiKey]) =>
      registration === undefined ? undefined : { type: 'client_old_secrets_retired', apiKey },
  });
}
