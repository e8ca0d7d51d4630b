import type { KeyValueStore, ReadCacheOptions, SqlDatabase } from '@ssokit/stores';
import { z } from 'zod';
import type { SsoLogger } from '../logging/sso-logger.ts';
import type { SsoClientEvents } from '../metrics/client-events.ts';
import type { UserStore } from '../user/user-store.ts';
import { ABSOLUTE_PATH, ABSOLUTE_PATH_RULE } from './absolute-path.ts';
import { CLIENT_ENV_VARIABLES, readClientEnv } from './client-env.ts';

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
const absolutePath = z
  .string({ error: 'must be a path starting with "/"' })
  .regex(ABSOLUTE_PATH, { error: ABSOLUTE_PATH_RULE });

const origin = (error: string) =>
  z
    .string({ error })
    .refine((text) => isAbsoluteHttpUrl(text) && new URL(text).origin === text.replace(/\/$/, ''), {
      error,
    });

const STORE_SCHEMES = 'redis://, rediss://, memcached://, postgres://, mysql:// or mariadb://';
const STORE_URL = /^(rediss?|memcached|postgres(ql)?|mysql|mariadb):\/\/./i;
const SESSION_STORE_ERROR = `must be a KeyValueStore (${KEY_VALUE_METHODS.join(', ')}), "memory", "database" or a URL of ${STORE_SCHEMES}`;

/**
 * The client's options in one place: validation, defaults (`.default()`, which the resolved
 * type reflects), and the TSDoc that `SsoClientConfig` shows in editors. Unknown options are
 * refused (`.strict()`), so a typo such as `sesionTtlSeconds` fails at start-up instead of
 * silently leaving the default in place.
 */
export const clientConfigSchema = z
  .object({
    /**
     * The provider's base URL (original setting `url`), e.g. `https://sso.example.com`.
     * @default process.env.SSOKIT_URL
     */
    providerUrl: required('an absolute http(s) URL', CLIENT_ENV_VARIABLES.providerUrl)
      .refine((text) => isAbsoluteHttpUrl(text) && !/[?#]/.test(text), {
        error: 'must be an absolute http(s) URL without query, fragment or credentials',
      })
      .transform((text) => text.replace(/\/+$/, '')),
    /**
     * This app's API key at the provider (original `apikey`, 8 hex characters there).
     * @default process.env.SSOKIT_APIKEY
     */
    apiKey: required('a string', CLIENT_ENV_VARIABLES.apiKey).regex(/^[\x21-\x7e]{1,128}$/, {
      error: 'must be 1 to 128 printable ASCII characters',
    }),
    /**
     * This app's secret key (original `seckey`). At least 16 characters.
     * @default process.env.SSOKIT_SECKEY
     */
    secretKey: required('a string', CLIENT_ENV_VARIABLES.secretKey).min(1, { error: 'must not be empty' }),
    /**
     * Accept a secret key shorter than 16 characters (tests, legacy credentials); logs a warning.
     * @default false
     */
    allowShortSecret: z.boolean({ error: 'must be true or false' }).default(false),
    /**
     * Where the provider mounts its SSO endpoints (original `SSO_REMOTE_URL_PREFIX`).
     * @default process.env.SSOKIT_PREFIX ?? '/sso/'
     */
    remotePrefix: z
      .string({ error: 'must be a string' })
      .regex(/^\/([^\s?#\\]*\/)?$/, { error: 'must start and end with "/", e.g. "/sso/"' })
      .default('/sso/'),
    /**
     * This app's public origin, e.g. `https://app.example.com`. Used to build the callback URL
     * the provider redirects to; without it, adapters take the origin from each request.
     * @default undefined (from the request)
     */
    appUrl: origin('must be an absolute http(s) origin such as "https://app.example.com", without a path')
      .transform((text) => text.replace(/\/$/, ''))
      .optional(),
    /**
     * Path of the callback the provider sends the browser back to (original mount).
     * @default '/myssoclient/auth/'
     */
    callbackPath: absolutePath.default('/myssoclient/auth/'),
    /**
     * Path where the provider POSTs signed logout notices (single logout): register the app
     * with its URL (`ssokit provider client add --logout-url https://app.example/myssoclient/logout/`).
     * A provider that sends none (the original dj-sso-server) changes nothing.
     * @default '/myssoclient/logout/'
     */
    logoutNoticePath: absolutePath.default('/myssoclient/logout/'),
    /**
     * Sign the user out at the provider too: after ending this app's session, the sign-out
     * sends the browser to the provider's `/logout/` (its confirmation, then its sign-out and
     * back-channel single logout), which returns it to this app's safe `next`. Needs an ssokit
     * provider (the original dj-sso-server has no return); off, the provider session lives on.
     * @default false
     */
    signOutAtProvider: z.boolean({ error: 'must be true or false' }).default(false),
    /**
     * Where to go after sign-in or sign-out when no (safe) target was asked for.
     * @default '/'
     */
    defaultRedirect: absolutePath.default('/'),
    /**
     * Origins (`https://other.example.com`) a post-login redirect may go to besides this app's
     * own paths. Anything else goes to `defaultRedirect`.
     * @default []
     */
    allowedRedirectOrigins: z
      .array(
        origin('must hold origins only, such as "https://other.example.com"').transform(
          (text) => new URL(text).origin,
        ),
        { error: 'must be a list of origins' },
      )
      .readonly()
      .default([]),
    /**
     * Time limit of each call to the provider, in milliseconds.
     * @default 5000
     */
    timeoutMs: positiveNumber('a positive number of milliseconds').default(5000),
    /**
     * Most bytes read of a provider's answer; a longer one (a broken provider streaming without
     * end) is abandoned and the login answers 502.
     * @default 262144 (256 KiB)
     */
    maxResponseBytes: z
      .number({ error: 'must be a positive whole number of bytes' })
      .int({ error: 'must be a positive whole number of bytes' })
      .positive({ error: 'must be a positive whole number of bytes' })
      .default(256 * 1024),
    /**
     * Where signed-in users are stored (original `SSO_USER_STORAGE`): a SQL table or a cache.
     * @default process.env.SSOKIT_USER_STORAGE ?? 'database'
     */
    userStorage: z
      .enum(['database', 'cache'], { error: 'must be "database" or "cache"' })
      .default('database'),
    /**
     * The database for `userStorage: 'database'` and `sessionStore: 'database'`: an
     * `openSqlDatabase()` result (left open by `close()`) or a URL the client opens (once, for
     * both) and closes itself.
     * @default process.env.SSOKIT_DATABASE ?? 'sqlite:ssokit-client.sqlite'
     */
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
    /**
     * Deadline of each SQL step (pool checkout, connect, query) of a `database` given as a URL,
     * in milliseconds: a database that is down or stalled answers `STORE_UNAVAILABLE` (503)
     * within it, and after repeated failures at once (a circuit breaker) until it is back. An
     * `openSqlDatabase()` result keeps its own (`operationTimeoutMs`).
     * @default 2000
     */
    databaseTimeoutMs: positiveNumber('a positive number of milliseconds').default(2000),
    /**
     * The key-value store for `userStorage: 'cache'`.
     * @default the session store
     */
    cache: keyValueStore.optional(),
    /**
     * A custom user store; replaces `userStorage`, `database` and `cache`.
     * @default undefined
     */
    userStore: z
      .custom<UserStore>(hasMethods(['save', 'get', 'delete', 'close']), {
        error: 'must be a UserStore (save, get, delete, close)',
      })
      .optional(),
    /**
     * Where sessions and pending sign-ins live: a `KeyValueStore`; `'database'` for a table
     * (`ssokit_key_value`) in the SQL database of the `database` option, shared with the users;
     * a store URL the client opens and closes itself (`redis://…`, `memcached://…`,
     * `postgres://…`, `mysql://…`, see `keyValueStoreFromUrl`); or `'memory'`. Use
     * `'database'`, Redis or Memcached when more than one process serves: the in-memory
     * default is per process (a warning is logged) and holds at most 1,000,000 entries.
     * @default process.env.SSOKIT_SESSION_STORE ?? 'memory'
     */
    sessionStore: z
      .union(
        [
          z.enum(['database', 'memory']),
          z.string().regex(STORE_URL, { error: SESSION_STORE_ERROR }),
          keyValueStore,
        ],
        { error: SESSION_STORE_ERROR },
      )
      // 'memory' is the default store, spelled out (SSOKIT_SESSION_STORE=memory).
      .transform((store) => (store === 'memory' ? undefined : store))
      .optional(),
    /**
     * The per-process read cache in front of a shared session store (sessions, users' session
     * epochs, cached users): a busy session costs a hash lookup instead of a round trip. Redis
     * and PostgreSQL tell every process of each change (client-side caching, LISTEN/NOTIFY), so
     * an ended session stops working everywhere within milliseconds; on Memcached and
     * MySQL/MariaDB an entry lives `ttlMs` (500 ms), the staleness it allows. `false` turns it
     * off. Never used for stores that answer at once (memory, SQLite).
     * @default { maxEntries: 10000, ttlMs: 60000 with a channel, 500 without }
     */
    readCache: z
      .union(
        [
          z.literal(false),
          z
            .object({
              maxEntries: z
                .number({ error: 'must be a whole number >= 1' })
                .int({ error: 'must be a whole number >= 1' })
                .min(1, { error: 'must be a whole number >= 1' })
                .optional(),
              ttlMs: positiveNumber('a positive number of milliseconds').optional(),
            })
            .strict(),
        ],
        { error: 'must be false or { maxEntries, ttlMs }' },
      )
      .default({}),
    /**
     * How long a cached user lives after their last sign-in (`userStorage: 'cache'`).
     * @default 1209600 (14 days)
     */
    userCacheTtlSeconds: positiveNumber('a positive number of seconds').default(1_209_600),
    /**
     * Session lifetime; sliding: a session used after half of it is renewed for a full one.
     * @default 1209600 (14 days)
     */
    sessionTtlSeconds: positiveNumber('a positive number of seconds').default(1_209_600),
    /**
     * How long a started sign-in may take before the callback is refused.
     * @default 300
     */
    loginStateTtlSeconds: positiveNumber('a positive number of seconds').default(300),
    /**
     * Name of the session cookie; the pending sign-in cookie is this name plus `_login`.
     * @default 'ssokit_session'
     */
    cookieName: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, "_" or "-"' })
      .default('ssokit_session'),
    /**
     * Mark cookies `Secure`. `'auto'`: when the app is served over https (from `appUrl`, else
     * from the request). Turning it off under https logs a warning.
     * @default 'auto'
     */
    secureCookies: z
      .union([z.literal('auto'), z.boolean()], { error: 'must be "auto", true or false' })
      .default('auto'),
    /**
     * A pino-compatible logger.
     * @default pino({ name: 'ssokit-client' })
     */
    logger: z
      .custom<SsoLogger>(hasMethods(['info', 'warn', 'error']), { error: 'must be a pino-compatible logger' })
      .optional(),
    /**
     * Told of sign-ins started, completed and refused, provider call latency and errors, and
     * session store errors: `ssoClientMetrics(registry)` from `ssokit/metrics` turns them into
     * Prometheus metrics.
     * @default undefined (nothing is told)
     */
    events: z
      .custom<SsoClientEvents>((value) => typeof value === 'object' && value !== null, {
        error: 'must be an object of callbacks (loginStarted, providerCall, ...)',
      })
      .optional(),
  })
  .strict();

/**
 * Everything `createSsoClient()` accepts. Only the three credentials are required, and they
 * may come from the environment (`SSOKIT_URL`, `SSOKIT_APIKEY`, `SSOKIT_SECKEY`).
 */
export type SsoClientConfig = Partial<z.input<typeof clientConfigSchema>>;

/** The configuration after defaults and env fallbacks; stores are resolved by the client. */
export type ResolvedClientConfig = z.output<typeof clientConfigSchema>;

/** The schema's first issue as the TypeError users see, naming the option. */
function configurationError(issue: z.core.$ZodIssue | undefined): TypeError {
  if (issue?.code === 'unrecognized_keys') {
    const within = issue.path.length ? `client.${issue.path.map(String).join('.')}` : 'client';
    return new TypeError(`${within} has unknown option(s) ${issue.keys.join(', ')}`);
  }
  const option = issue?.path.length ? issue.path.map(String).join('.') : 'configuration';
  return new TypeError(`client.${option} ${issue?.message ?? 'is invalid'}`);
}

/**
 * Validates the configuration once, fills defaults and env fallbacks, and throws a
 * `TypeError` naming the first bad option: `client.providerUrl must be an absolute http(s) URL`,
 * `client has unknown option(s) sesionTtlSeconds`.
 */
export function resolveClientConfig(
  config: SsoClientConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedClientConfig {
  if (typeof config !== 'object' || config === null)
    throw new TypeError('client configuration must be an object');
  const withEnv: Record<string, unknown> = { ...readClientEnv(env) };
  for (const [option, value] of Object.entries(config)) {
    if (value !== undefined) withEnv[option] = value;
  }
  const parsed = clientConfigSchema.safeParse(withEnv);
  if (!parsed.success) throw configurationError(parsed.error.issues[0]);
  const resolved = parsed.data;
  if (resolved.secretKey.length < MIN_SECRET_LENGTH && !resolved.allowShortSecret) {
    throw new TypeError(
      `client.secretKey must be at least ${MIN_SECRET_LENGTH} characters (allowShortSecret: true accepts a shorter one)`,
    );
  }
  return resolved;
}
