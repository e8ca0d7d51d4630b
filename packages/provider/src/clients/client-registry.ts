import type { ApiKeyRecord, ApiKeySource } from '@ssokit/protocol';

/** A registered client app: its API key record plus the host its logins may return to. */
export interface ClientRecord extends ApiKeyRecord {
  /** `host[:port]` of the client's URL; login redirects to any other host are refused. */
  host?: string | null;
  /** When set, login redirects must also use this scheme. */
  scheme?: 'http' | 'https' | null;
  /**
   * The one path of the client's host its logins return to (its callback).
   * @default '/myssoclient/auth/' (the original client's mount)
   */
  callbackPath?: string | null;
  /**
   * Where the client receives signed logout notices (single logout); none: no notices, as
   * for an original dj-sso-client.
   */
  logoutUrl?: string | null;
  note?: string | null;
}

/** Where the original dj-sso-client mounts its callback, and ssokit's client by default. */
export const DEFAULT_CALLBACK_PATH = '/myssoclient/auth/';

/** Where the provider finds client apps: the verifier's key source, with hosts. */
export interface ClientRegistry extends ApiKeySource {
  findApiKey(apiKey: string): Promise<ClientRecord | undefined>;
}

/** The endpoints an SSO client's key may call under a prefix: exactly the two back-channel calls. */
export function ssoClientEndpoints(prefix: string): string[] {
  return [`${prefix}reqeusttoken/`, `${prefix}requesttoken/`, `${prefix}authtoken/`];
}

/** Client apps held in memory, for tests and fixed deployments. */
export function staticClientRegistry(records: readonly ClientRecord[]): ClientRegistry {
  const byKey = new Map(records.map((record) => [record.apiKey, record]));
  if (byKey.size !== records.length) throw new TypeError('staticClientRegistry: an apiKey appears twice');
  return { findApiKey: async (apiKey) => byKey.get(apiKey) };
}
