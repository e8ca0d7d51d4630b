import { randomBytes } from 'node:crypto';
import type { ApiKeyRecord, ApiKeySource } from '@ssokit/protocol';
import type { Kysely, Migration } from 'kysely';
import type { SqlDatabase } from '../sql/open-sql-database.ts';
import { runMigrations } from '../sql/run-migrations.ts';

/** A stored API key: what the verifier needs plus what the SSO provider binds a client to. */
export interface ApiKeyRegistration extends ApiKeyRecord {
  /** The user id as stored (text), when the key acts for a user. */
  userId?: string;
  /** The `host[:port]` an SSO client with this key is bound to (login redirects elsewhere are refused). */
  host?: string;
  /** The client's URL scheme, when bound to one. */
  scheme?: 'http' | 'https';
  /** The path an SSO client's logins must return to, when registered (its callback). */
  callbackPath?: string;
  /**
   * Where the SSO provider POSTs signed logout notices for this client (single logout), an
   * absolute http(s) URL on the bound host. Absent: the client gets no notices (an original
   * dj-sso-client).
   */
  logoutUrl?: string;
  note?: string;
  createdAt: Date;
}

/** A key as listed to an administrator: everything but the secrets. */
export type ApiKeyListing = Omit<ApiKeyRegistration, 'secrets'> & { activeSecrets: number };

export interface AddApiKeyInput {
  /** @default 16 random hex characters */
  apiKey?: string;
  /** At least 16 characters. @default 32 random bytes as 64 hex characters */
  secret?: string;
  host?: string;
  scheme?: 'http' | 'https';
  /** An absolute path: `/` and printable ASCII without `?`, `#` or spaces, not `//`. */
  callbackPath?: string;
  /** An absolute http(s) URL whose `host[:port]` is `host` (see {@link ApiKeyRegistration.logoutUrl}). */
  logoutUrl?: string;
  note?: string;
  allowedEndpoints: readonly string[];
  userId?: string | number;
}

export interface SqlApiKeyStore extends ApiKeySource {
  /** Creates or updates the table; run once at start-up or from an admin command. */
  migrate(): Promise<void>;
  findApiKey(apiKey: string): Promise<ApiKeyRegistration | undefined>;
  /** Stores a new key; the answer holds the secret, the only time it is shown. */
  add(input: AddApiKeyInput): Promise<ApiKeyRegistration>;
  /** Every key, oldest first, without secrets. */
  list(): Promise<ApiKeyListing[]>;
  /** True when the key existed. */
  remove(apiKey: string): Promise<boolean>;
  /** Adds a fresh secret as the newest; older ones stay valid until retired. Undefined for an unknown key. */
  rotateSecret(apiKey: string): Promise<ApiKeyRegistration | undefined>;
  /** Keeps only the newest secret. Undefined for an unknown key. */
  retireOldSecrets(apiKey: string): Promise<ApiKeyRegistration | undefined>;
  /** Sets (a URL) or clears (null) the logout URL. Undefined for an unknown key. */
  setLogoutUrl(apiKey: string, logoutUrl: string | null): Promise<ApiKeyRegistration | undefined>;
}

export const API_KEY_TABLE = 'ssokit_api_keys';
const MIGRATION_TABLE = 'ssokit_api_keys_migrations';

interface ApiKeyRow {
  api_key: string;
  secrets: string;
  allowed_endpoints: string;
  user_id: string | null;
  host: string | null;
  scheme: string | null;
  callback_path: string | null;
  logout_url: string | null;
  note: string | null;
  created_at: string;
}

interface ApiKeySchema {
  ssokit_api_keys: ApiKeyRow;
}

const migrations: Record<string, Migration> = {
  '2026-01-01-create-api-keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(API_KEY_TABLE)
        .addColumn('api_key', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('secrets', 'text', (column) => column.notNull())
        .addColumn('allowed_endpoints', 'text', (column) => column.notNull())
        .addColumn('user_id', 'varchar(255)')
        .addColumn('host', 'varchar(255)')
        .addColumn('scheme', 'varchar(8)')
        .addColumn('note', 'text')
        // ISO 8601 text: the same value and ordering on every dialect.
        .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
        .execute();
    },
  },
  '2026-12-01-add-callback-path': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable(API_KEY_TABLE).addColumn('callback_path', 'varchar(255)').execute();
    },
  },
  '2026-12-02-add-logout-url': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable(API_KEY_TABLE).addColumn('logout_url', 'varchar(2048)').execute();
    },
  },
};

/**
 * A logout URL: absolute http(s), on the key's bound host (the provider POSTs there with the
 * key's secret, so it must not be a third party), no credentials, no fragment.
 */
export function validLogoutUrl(logoutUrl: string, host: string | null | undefined): string {
  const refuse = () =>
    new TypeError(
      'logoutUrl must be an absolute http(s) URL on the bound host, e.g. http://localhost:8000/myssoclient/logout/',
    );
  if (typeof logoutUrl !== 'string' || logoutUrl.length > 2048 || !URL.canParse(logoutUrl)) throw refuse();
  const url = new URL(logoutUrl);
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.hash !== '' ||
    logoutUrl.includes('#') ||
    host === undefined ||
    host === null ||
    url.host !== host.toLowerCase()
  ) {
    throw refuse();
  }
  return url.href;
}

const API_KEY_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const CALLBACK_PATH_PATTERN = /^\/(?!\/)[\x21-\x7e]{0,254}$/;
const MIN_SECRET_LENGTH = 16;
const MAX_SECRETS = 10;

function newSecret(): string {
  return randomBytes(32).toString('hex');
}

function validated(input: AddApiKeyInput): Omit<ApiKeyRow, 'created_at'> {
  const apiKey = input.apiKey ?? randomBytes(8).toString('hex');
  if (!API_KEY_PATTERN.test(apiKey))
    throw new TypeError('apiKey must be 1-64 characters of A-Z a-z 0-9 _ . -');
  const secret = input.secret ?? newSecret();
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new TypeError(`secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (
    !Array.isArray(input.allowedEndpoints) ||
    input.allowedEndpoints.some((p) => typeof p !== 'string' || p === '')
  ) {
    throw new TypeError('allowedEndpoints must be a list of non-empty path patterns');
  }
  if (input.host !== undefined && !HOST_PATTERN.test(input.host)) {
    throw new TypeError('host must be host[:port], e.g. localhost:8000');
  }
  if (input.scheme !== undefined && input.scheme !== 'http' && input.scheme !== 'https') {
    throw new TypeError('scheme must be "http" or "https"');
  }
  if (
    input.callbackPath !== undefined &&
    (!CALLBACK_PATH_PATTERN.test(input.callbackPath) || /[?#]/.test(input.callbackPath))
  ) {
    throw new TypeError('callbackPath must be a path such as /myssoclient/auth/ (no query, no //)');
  }
  return {
    api_key: apiKey,
    secrets: JSON.stringify([secret]),
    allowed_endpoints: JSON.stringify(input.allowedEndpoints),
    user_id: input.userId === undefined ? null : String(input.userId),
    host: input.host?.toLowerCase() ?? null,
    scheme: input.scheme ?? null,
    callback_path: input.callbackPath ?? null,
    logout_url: input.logoutUrl === undefined ? null : validLogoutUrl(input.logoutUrl, input.host),
    note: input.note ?? null,
  };
}

function parseStringList(text: string, column: string, apiKey: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new Error(`${API_KEY_TABLE}.${column} of key ${apiKey} is not a JSON list of strings`);
  }
  return value as string[];
}

function toRegistration(row: ApiKeyRow): ApiKeyRegistration {
  return {
    apiKey: row.api_key,
    secrets: parseStringList(row.secrets, 'secrets', row.api_key),
    allowedEndpoints: parseStringList(row.allowed_endpoints, 'allowed_endpoints', row.api_key),
    ...(row.user_id === null ? {} : { userId: row.user_id }),
    ...(row.host === null ? {} : { host: row.host }),
    ...(row.scheme === 'http' || row.scheme === 'https' ? { scheme: row.scheme } : {}),
    ...(row.callback_path === null || row.callback_path === undefined
      ? {}
      : { callbackPath: row.callback_path }),
    ...(row.logout_url === null || row.logout_url === undefined ? {} : { logoutUrl: row.logout_url }),
    ...(row.note === null ? {} : { note: row.note }),
    createdAt: new Date(row.created_at),
  };
}

/**
 * API keys (dj-api-auth's table, and the SSO provider's client registrations) in SQL through
 * Kysely. Secrets are stored as given because HMAC verification needs them in clear; protect
 * the database accordingly. Several secrets per key make rotation possible without downtime.
 */
export function sqlApiKeyStore<Schema>(database: SqlDatabase<Schema>): SqlApiKeyStore {
  const db = database.db as unknown as Kysely<ApiKeySchema>;

  const find = async (apiKey: string): Promise<ApiKeyRegistration | undefined> => {
    const row = await db
      .selectFrom(API_KEY_TABLE)
      .selectAll()
      .where('api_key', '=', apiKey)
      .executeTakeFirst();
    return row === undefined ? undefined : toRegistration(row);
  };

  /**
   * Read-modify-write of the secrets list as a compare-and-set on the old text, so two
   * concurrent rotations cannot lose a secret, on every dialect without row locks.
   */
  const updateSecrets = async (
    apiKey: string,
    change: (secrets: string[]) => string[],
  ): Promise<ApiKeyRegistration | undefined> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await db
        .selectFrom(API_KEY_TABLE)
        .select('secrets')
        .where('api_key', '=', apiKey)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const secrets = change(parseStringList(row.secrets, 'secrets', apiKey));
      const result = await db
        .updateTable(API_KEY_TABLE)
        .set({ secrets: JSON.stringify(secrets) })
        .where('api_key', '=', apiKey)
        .where('secrets', '=', row.secrets)
        .executeTakeFirst();
      if (result.numUpdatedRows > 0n) return find(apiKey);
    }
    throw new Error(`secrets of key ${apiKey} kept changing concurrently; try again`);
  };

  return {
    async migrate() {
      await runMigrations(database.db as unknown as Kysely<unknown>, migrations, MIGRATION_TABLE);
    },
    findApiKey: find,
    async add(input) {
      const row: ApiKeyRow = { ...validated(input), created_at: new Date().toISOString() };
      try {
        await db.insertInto(API_KEY_TABLE).values(row).execute();
      } catch (cause) {
        if ((await find(row.api_key).catch(() => undefined)) !== undefined) {
          throw new Error(`api key ${row.api_key} already exists`, { cause });
        }
        throw cause;
      }
      return toRegistration(row);
    },
    async list() {
      const rows = await db
        .selectFrom(API_KEY_TABLE)
        .selectAll()
        .orderBy('created_at')
        .orderBy('api_key')
        .execute();
      return rows.map((row) => {
        const { secrets, ...listing } = toRegistration(row);
        return { ...listing, activeSecrets: secrets.length };
      });
    },
    async remove(apiKey) {
      const result = await db.deleteFrom(API_KEY_TABLE).where('api_key', '=', apiKey).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    rotateSecret: (apiKey) =>
      updateSecrets(apiKey, (secrets) => [newSecret(), ...secrets].slice(0, MAX_SECRETS)),
    retireOldSecrets: (apiKey) => updateSecrets(apiKey, (secrets) => secrets.slice(0, 1)),
    async setLogoutUrl(apiKey, logoutUrl) {
      const current = await find(apiKey);
      if (current === undefined) return undefined;
      const value = logoutUrl === null ? null : validLogoutUrl(logoutUrl, current.host);
      await db.updateTable(API_KEY_TABLE).set({ logout_url: value }).where('api_key', '=', apiKey).execute();
      return find(apiKey);
    },
  };
}
