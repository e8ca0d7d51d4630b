import {
  type ApiKeyListing,
  type ApiKeyRegistration,
  type SqlDatabase,
  sqlApiKeyStore,
} from '@ssokit/stores';
import { type ClientRegistry, ssoClientEndpoints } from './client-registry.ts';

export interface AddClientInput {
  /** `host[:port]` of the client app's URL, e.g. `localhost:8000`. */
  host: string;
  /** Also require this scheme for login redirects. @default any (as the original) */
  scheme?: 'http' | 'https';
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
}

export function sqlClientStore(options: { database: SqlDatabase<unknown>; prefix: string }): SqlClientStore {
  const keys = sqlApiKeyStore(options.database);
  const allowedEndpoints = ssoClientEndpoints(options.prefix);
  return {
    findApiKey: (apiKey) => keys.findApiKey(apiKey),
    migrate: () => keys.migrate(),
    add: (input) =>
      keys.add({
        host: input.host,
        allowedEndpoints,
        ...(input.scheme === undefined ? {} : { scheme: input.scheme }),
        ...(input.note === undefined ? {} : { note: input.note }),
        ...(input.apiKey === undefined ? {} : { apiKey: input.apiKey }),
        ...(input.secret === undefined ? {} : { secret: input.secret }),
      }),
    list: () => keys.list(),
    remove: (apiKey) => keys.remove(apiKey),
    rotateSecret: (apiKey) => keys.rotateSecret(apiKey),
    retireOldSecrets: (apiKey) => keys.retireOldSecrets(apiKey),
  };
}
