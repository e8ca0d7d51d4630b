import type { KeyValueStore, SqlDatabase } from '@ssokit/stores';
import { z } from 'zod';
import type { SsoLogger } from '../logging/sso-logger.ts';
import type { UserStore } from '../user/user-store.ts';
import { CLIENT_ENV_VARIABLES, readClientEnv } from './client-env.ts';

/** Everything `createSsoClient()` accepts. Only the three credentials are required. */
export interface SsoClientConfig {
  /**
   * The provider's base URL (original setting `url`), e.g. `https://sso.example.com`.
   * @default process.env.SSOKIT_URL
   */
  providerUrl?: string;
  /**
   * This app's API key at the provider (original `apikey`, 8 hex characters there).
   * @default process.env.SSOKIT_APIKEY
   */
  apiKey?: string;
  /**
   * This app's secret key (original `seckey`). At least 16 characters.
   * @default process.env.SSOKIT_SECKEY
   */
  secretKey?: string;
  /**
   * Accept a secret key shorter than 16 characters (tests, legacy credentials); logs a warning.
   * @default false
   */
  allowShortSecret?: boolean;
  /**
   * Where the provider mounts its SSO endpoints (original `SSO_REMOTE_URL_PREFIX`).
   * @default process.env.SSOKIT_PREFIX ?? '/sso/'
   */
  remotePrefix?: string;
  /**
   * This app's public origin, e.g. `https://app.example.com`. Used to build the callback URL
   * the provider redirects to; without it, adapters take the origin from each request.
   * @default undefined (from the request)
   */
  appUrl?: string;
  /**
   * Path of the callback the provider sends the browser back to (original mount).
   * @default '/myssoclient/auth/'
   */
  callbackPath?: string;
  /**
   * Path where the provider POSTs signed logout notices (single logout): register the app
   * with its URL (`ssokit provider client add --logout-url https://app.example/myssoclient/logout/`).
   * A provider that sends none (the original dj-sso-server) changes nothing.
   * @default '/myssoclient/logout/'
   */
  logoutNoticePath?: string;
  /**
   * Where to go after sign-in or sign-out when no (safe) target was asked for.
   * @default '/'
   */
  defaultRedirect?: string;
  /**
   * Origins (`https://other.example.com`) a post-login redirect may go to besides this app's
   * own paths. Anything else goes to `defaultRedirect`.
   * @default []
   */
  allowedRedirectOrigins?: readonly string[];
  /**
   * Time limit of each call to the provider, in milliseconds.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Most bytes read of a provider's answer; a longer one (a broken provider streaming without
   * end) is abandoned and the login answers 502.
   * @default 262144 (256 KiB)
   */
  maxResponseBytes?: number;
  /**
   * Where signed-in users are stored (original `SSO_USER_STORAGE`): a SQL table or a cache.
   * @default 'database'
   */
  userStorage?: 'database' | 'cache';
  /**
   * The database for `userStorage: 'database'` and `sessionStore: 'database'`: an
   * `openSqlDatabase()` result (left open by `close()`) or a URL the client opens (once, for
   * both) and closes itself.
   * @default 'sqlite:ssokit-client.sqlite'
   */
  database?: SqlDatabase | string;
  /**
   * Deadline of each SQL step (pool checkout, connect, query) of a `database` given as a URL,
   * in milliseconds: a database that is down or stalled answers `STORE_UNAVAILABLE` (503)
   * within it, and after repeated failures at once (a circuit breaker) until it is back. An
   * `openSqlDatabase()` result keeps its own (`operationTimeoutMs`).
   * @default 2000
   */
  databaseTimeoutMs?: number;
  /**
   * The key-value store for `userStorage: 'cache'`.
   * @default the session store
   */
  cache?: KeyValueStore;
  /**
   * A custom user store; replaces `userStorage`, `database` and `cache`.
   * @default undefined
   */
  userStore?: UserStore;
  /**
   * Where sessions and pending sign-ins live: a `KeyValueStore`, or `'database'` for a table
   * (`ssokit_key_value`) in the SQL database of the `database` option, shared with the users.
   * Use `'database'`, Redis or Memcached when more than one process serves: the in-memory
   * default is per process (a warning is logged) and holds at most 1,000,000 entries.
   * @default memoryKeyValueStore()
   */
  sessionStore?: KeyValueStore | 'database';
  /**
   * How long a cached user lives after their last sign-in (`userStorage: 'cache'`).
   * @default 1209600 (14 days)
   */
  userCacheTtlSeconds?: number;
  /**
   * Session lifetime; sliding: a session used after half of it is renewed for a full one.
   * @default 1209600 (14 days)
   */
  sessionTtlSeconds?: number;
  /**
   * How long a started sign-in may take before the callback is refused.
   * @default 300
   */
  loginStateTtlSeconds?: number;
  /**
   * Name of the session cookie; the pending sign-in cookie is this name plus `_login`.
   * @default 'ssokit_session'
   */
  cookieName?: string;
  /**
   * Mark cookies `Secure`. `'auto'`: when the app is served over https (from `appUrl`, else
   * from the request). Turning it off under https logs a warning.
   * @default 'auto'
   */
  secureCookies?: 'auto' | boolean;
  /**
   * A pino-compatible logger.
   * @default pino({ name: 'ssokit-client' })
   */
  logger?: SsoLogger;
}

/** The configuration after defaults and env fallbacks; stores are resolved by the client. */
export interface ResolvedClientConfig {
  providerUrl: string;
  apiKey: string;
  secretKey: string;
  allowShortSecret: boolean;
  remotePrefix: string;
  appUrl: string | undefined;
  callbackPath: string;
  logoutNoticePath: string;
  defaultRedirect: string;
  allowedRedirectOrigins: readonly string[];
  timeoutMs: number;
  maxResponseBytes: number;
  userStorage: 'database' | 'cache';
  database: SqlDatabase | string;
  databaseTimeoutMs: number;
  cache: KeyValueStore | undefined;
  userStore: UserStore | undefined;
  sessionStore: KeyValueStore | 'database' | undefined;
  userCacheTtlSeconds: number;
  sessionTtlSeconds: number;
  loginStateTtlSeconds: number;
  cookieName: string;
  secureCookies: 'auto' | boolean;
  logger: SsoLogger | undefined;
}

export const MIN_SECRET_LENGTH = 16;

function isAbsoluteHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === ''
  );
}

const hasMethods = (names: readonly string[]) => (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');

const KEY_VALUE_METHODS = ['get', 'set', 'add', 'take', 'delete', 'increment', 'close'];
const keyValueStore = z.custom<KeyValueStore>(hasMethods(KEY_VALUE_METHODS), {
  error: `must be a KeyValueStore (${KEY_VALUE_METHODS.join(', ')})`,
});
const required = (what: string, envVariable: string) =>
  z.string({
    error: (issue) => (issue.input === undefined ? `is required (or set ${envVariable})` : `must be ${what}`),
  });
const positiveNumber = (what: string) =>
  z
    .number({ error: `must be ${what}` })
    .refine((n) => Number.isFinite(n) && n > 0, { error: `must be ${what}` });
const absolutePath = z.string({ error: 'must be a path starting with "/"' }).regex(/^\/(?!\/)[^\s?#\\]*$/, {
  error: 'must be a path starting with "/" (no query, no "//", no spaces)',
});

const configSchema = z.object({
  providerUrl: required('an absolute http(s) URL', CLIENT_ENV_VARIABLES.providerUrl).refine(
    (text) => isAbsoluteHttpUrl(text) && !/[?#]/.test(text),
    { error: 'must be an absolute http(s) URL without query, fragment or credentials' },
  ),
  apiKey: required('a string', CLIENT_ENV_VARIABLES.apiKey).regex(/^[\x21-\x7e]{1,128}$/, {
    error: 'must be 1 to 128 printable ASCII characters',
  }),
  secretKey: required('a string', CLIENT_ENV_VARIABLES.secretKey).min(1, { error: 'must not be empty' }),
  allowShortSecret: z.boolean({ error: 'must be true or false' }).default(false),
  remotePrefix: z
    .string({ error: 'must be a string' })
    .regex(/^\/([^\s?#\\]*\/)?$/, { error: 'must start and end with "/", e.g. "/sso/"' })
    .default('/sso/'),
  appUrl: z
    .string({ error: 'must be an absolute http(s) URL' })
    .refine((text) => isAbsoluteHttpUrl(text) && new URL(text).origin === text.replace(/\/$/, ''), {
      error: 'must be an absolute http(s) origin such as "https://app.example.com", without a path',
    })
    .optional(),
  callbackPath: absolutePath.default('/myssoclient/auth/'),
  logoutNoticePath: absolutePath.default('/myssoclient/logout/'),
  defaultRedirect: absolutePath.default('/'),
  allowedRedirectOrigins: z
    .array(
      z
        .string()
        .refine((text) => isAbsoluteHttpUrl(text) && new URL(text).origin === text.replace(/\/$/, ''), {
          error: 'must hold origins only, such as "https://other.example.com"',
        }),
      { error: 'must be a list of origins' },
    )
    .default([]),
  timeoutMs: positiveNumber('a positive number of milliseconds').default(5000),
  maxResponseBytes: z
    .number({ error: 'must be a positive whole number of bytes' })
    .int({ error: 'must be a positive whole number of bytes' })
    .positive({ error: 'must be a positive whole number of bytes' })
    .default(256 * 1024),
  userStorage: z.enum(['database', 'cache'], { error: 'must be "database" or "cache"' }).default('database'),
  database: z
    .union(
      [
        z.string().min(1),
        z.custom<SqlDatabase>(
          (value) => hasMethods(['close'])(value) && typeof (value as { db?: unknown }).db === 'object',
        ),
      ],
      { error: 'must be a database URL or an openSqlDatabase() result' },
    )
    .default('sqlite:ssokit-client.sqlite'),
  databaseTimeoutMs: positiveNumber('a positive number of milliseconds').default(2000),
  cache: keyValueStore.optional(),
  userStore: z
    .custom<UserStore>(hasMethods(['save', 'get', 'delete', 'close']), {
      error: 'must be a UserStore (save, get, delete, close)',
    })
    .optional(),
  sessionStore: z
    .union([z.literal('database'), keyValueStore], {
      error: `must be a KeyValueStore (${KEY_VALUE_METHODS.join(', ')}) or "database"`,
    })
    .optional(),
  userCacheTtlSeconds: positiveNumber('a positive number of seconds').default(1_209_600),
  sessionTtlSeconds: positiveNumber('a positive number of seconds').default(1_209_600),
  loginStateTtlSeconds: positiveNumber('a positive number of seconds').default(300),
  cookieName: z
    .string({ error: 'must be a string' })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, "_" or "-"' })
    .default('ssokit_session'),
  secureCookies: z
    .union([z.literal('auto'), z.boolean()], { error: 'must be "auto", true or false' })
    .default('auto'),
  logger: z
    .custom<SsoLogger>(hasMethods(['info', 'warn', 'error']), { error: 'must be a pino-compatible logger' })
    .optional(),
});

/**
 * Validates the configuration once, fills defaults and env fallbacks, and throws a
 * `TypeError` naming the first bad option: `client.providerUrl must be an absolute http(s) URL`.
 */
export function resolveClientConfig(
  config: SsoClientConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedClientConfig {
  if (typeof config !== 'object' || config === null)
    throw new TypeError('client configuration must be an object');
  const withEnv = { ...readClientEnv(env) };
  for (const [option, value] of Object.entries(config)) {
    if (value !== undefined) (withEnv as Record<string, unknown>)[option] = value;
  }
  const parsed = configSchema.safeParse(withEnv);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path.length ? issue.path.map(String).join('.') : 'configuration';
    throw new TypeError(`client.${option} ${issue?.message ?? 'is invalid'}`);
  }
  const resolved = parsed.data;
  if (resolved.secretKey.length < MIN_SECRET_LENGTH && !resolved.allowShortSecret) {
    throw new TypeError(
      `client.secretKey must be at least ${MIN_SECRET_LENGTH} characters (allowShortSecret: true accepts a shorter one)`,
    );
  }
  return {
    ...resolved,
    providerUrl: resolved.providerUrl.replace(/\/+$/, ''),
    appUrl: resolved.appUrl?.replace(/\/$/, ''),
    allowedRedirectOrigins: resolved.allowedRedirectOrigins.map((origin) => new URL(origin).origin),
    cache: resolved.cache,
    userStore: resolved.userStore,
    sessionStore: resolved.sessionStore,
    logger: resolved.logger,
  };
}
