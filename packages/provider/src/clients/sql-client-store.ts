import { cachedApiKeySource } from '@ssokit/protocol';
import {
  type ApiKeyListing,
  type ApiKeyRegistration,
  type SqlApiKeyStore,
  type SqlDatabase,
  sqlApiKeyStore,
} from '@ssokit/stores';
import { type ClientRegistry, ssoClientEndpoints } from './client-registry.ts';

export interface AddClientInput {
  /** `host[:port]` of the client app's URL, e.g. `localhost:8000`. */
  host: string;
  /** Also require this scheme for login redirects. @default any (as the original) */
  scheme?: 'http' | 'https';
  /** The path of the client's sign-in callback; a login's `next` elsewhere is refused. @default '/myssoclient/auth/' */
  callbackPath?: string;
  /**
   * Where this client receives signed logout notices (single logout): an absolute URL on
   * `host`, e.g. `http://localhost:8000/myssoclient/logout/`. @default none (no notices)
   */
  logoutUrl?: string;
  note?: string;
  /** @default 16 random hex characters */
  apiKey?: string;
  /** At least 16 characters. @default 64 random hex characters */
  secret?: string;
}

/**
 * Client registrations of the SSO provider: API keys in the shared API-key table of
 * `@ssokit/stores`, bound to a host and allowed exactly the provider's two back-channel
 * endpoints (plus the correctly spelt alias) under its prefix.
 */
export interface SqlClientStore extends ClientRegistry {
  findApiKey(apiKey: string): Promise<ApiKeyRegistration | undefined>;
  migrate(): Promise<void>;
  /** Registers a client app; the answer holds its secret, the only time it is shown. */
  add(input: AddClientInput): Promise<ApiKeyRegistration>;
  /** Every registration, without secrets. */
  list(): Promise<ApiKeyListing[]>;
  remove(apiKey: string): Promise<boolean>;
  /** Adds a new secret; the old ones keep working until `retireOldSecrets`. */
  rotateSecret(apiKey: string): Promise<ApiKeyRegistration | undefined>;
  retireOldSecrets(apiKey: string): Promise<ApiKeyRegistration | undefined>;
  /** Sets or (null) clears where the client receives logout notices. */
  setLogoutUrl(apiKey: string, logoutUrl: string | null): Promise<ApiKeyRegistration | undefined>;
}

export interface SqlClientStoreOptions {
  database: SqlDatabase<unknown>;
  prefix: string;
  /**
   * How long a looked-up registration is reused (the provider reads it on every signed call
   * and login page). Removing or rotating through this store takes effect at once; done by
   * another process (the admin CLI), it is seen here within this time. 0 turns it off.
   * @default 5000
   */
  cacheTtlMs?: number;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
  /**
   * The table's store as this one uses it, wrapped (the provider times it into its metrics):
   * behind the cache, so only lookups that read the table are timed, not cached answers.
   * @default the store itself
   */
  wrapTable?: (table: SqlApiKeyStore) => SqlApiKeyStore;
}

export function sqlClientStore(options: SqlClientStoreOptions): SqlClientStore {
  const table = sqlApiKeyStore(options.database);
  const keys = options.wrapTable === undefined ? table : options.wrapTable(table);
  const allowedEndpoints = ssoClientEndpoints(options.prefix);
  const cache = cachedApiKeySource(keys, {
    ttlMs: options.cacheTtlMs ?? 5000,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  // Forgets the key whether the change succeeded or not: the next lookup reads the table.
  const thenForget = async <T>(apiKey: string, change: Promise<T>): Promise<T> => {
    try {
      return await change;
    } finally {
      cache.invalidate(apiKey);
    }
  };
  return {
    findApiKey: cache.findApiKey,
    migrate: () => keys.migrate(),
    add: (input) =>
      keys.add({
        host: input.host,
        allowedEndpoints,
        ...(input.scheme === undefined ? {} : { scheme: input.scheme }),
        ...(input.callbackPath === undefined ? {} : { callbackPath: input.callbackPath }),
        ...(input.logoutUrl === undefined ? {} : { logoutUrl: input.logoutUrl }),
        ...(input.note === undefined ? {} : { note: input.note }),
        ...(input.apiKey === undefined ? {} : { apiKey: input.apiKey }),
        ...(input.secret === undefined ? {} : { secret: input.secret }),
      }),
    list: () => keys.list(),
    remove: (apiKey) => thenForget(apiKey, keys.remove(apiKey)),
    rotateSecret: (apiKey) => thenForget(apiKey, keys.rotateSecret(apiKey)),
    retireOldSecrets: (apiKey) => thenForget(apiKey, keys.retireOldSecrets(apiKey)),
    setLogoutUrl: (apiKey, logoutUrl) => thenForget(apiKey, keys.setLogoutUrl(apiKey, logoutUrl)),
  };
}
