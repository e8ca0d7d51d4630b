import type { KeyValueStore, SqlDatabase } from '@ssokit/stores';
import { z } from 'zod';
import type { PasswordHashingOptions } from '../accounts/password-hashing.ts';
import type { UserToJson } from '../accounts/user-json.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { compileTrustProxy, type TrustProxySetting } from '../http/request-context.ts';
import type { ProviderLogger } from '../logging/provider-logger.ts';
import type { LogoutNoticeSenderOptions } from '../logout/logout-notice-sender.ts';
import type { LoginRateLimitOptions } from '../rate-limit/login-rate-limiter.ts';

export interface ProviderOptions {
  /**
   * Accounts and client registrations: a database URL (`sqlite:PATH`, `postgres://…`,
   * `mysql://…`) or a database opened with `openSqlDatabase` (left open on close).
   * @default 'sqlite:ssokit.sqlite'
   */
  database?: string | SqlDatabase<unknown>;
  /**
   * Deadline of each SQL step (pool checkout, connect, query) of a `database` given as a URL,
   * in milliseconds: a database that is down or stalled answers 503 within it, and after
   * repeated failures at once (a circuit breaker) until it is back. A database opened with
   * `openSqlDatabase` keeps its own (`operationTimeoutMs`).
   * @default 2000
   */
  databaseTimeoutMs?: number;
  /**
   * Request tokens, provider sessions, rate-limit counters and seen signatures. Use Redis or
   * Memcached when several processes serve. Left open on close when passed in.
   * @default memoryKeyValueStore()
   */
  keyValueStore?: KeyValueStore;
  /** Prepended to every key the provider writes to the key-value store. @default 'ssokit:provider:' */
  keyPrefix?: string;
  /** Where client apps and their API keys come from. @default the client registrations in `database` */
  clients?: ClientRegistry;
  /**
   * How long a client registration read from `database` is reused, in milliseconds: it is read
   * on every signed call and login page. A client removed or rotated with the admin CLI (another
   * process) is still accepted for up to this long; through `provider.clientStore` at once.
   * 0 reads the table every time.
   * @default 5000
   */
  clientCacheTtlMs?: number;
  /** Mount point of the SSO endpoints, the client's "remote URL prefix". @default '/sso/' */
  prefix?: string;
  /** Life of a request token: the time a user has to sign in. @default 240 */
  requestTokenTtlSeconds?: number;
  /** Largest clock difference accepted on a signed call. @default 300 */
  maxDriftSeconds?: number;
  /** Life of a provider session (its own `/login/`). @default 1209600 */
  sessionTtlSeconds?: number;
  /**
   * Failed sign-in limits, each counted atomically in `keyValueStore` before the password is
   * checked (see the README, "Limits and lockouts").
   * @default { perAddress: 20, perAccountAndAddress: 5, perAccount: 50, windowSeconds: 900, knownAddressSeconds: 2592000 }
   */
  rateLimit?: LoginRateLimitOptions;
  /** Replaces the user JSON sent to clients. @default the original's Django user fields */
  userToJson?: UserToJson;
  /** pino-compatible logger. @default pino to stderr */
  logger?: ProviderLogger;
  /** Heading of every page. @default 'Single Sign-on' */
  siteName?: string;
  /**
   * `Secure` on cookies: `'auto'` sets it when the request came over https (see `trustProxy`).
   * `false` is for plain-http development behind nothing and logs a warning when https is seen.
   * @default 'auto'
   */
  secureCookies?: 'auto' | boolean;
  /**
   * Which reverse proxies to believe about the client's address (`X-Forwarded-For`, used by
   * the rate limits and logs) and scheme (`X-Forwarded-Proto`): a number of hops (`1` for the
   * one proxy in front), or the proxies' addresses and subnets (`'10.0.0.0/8, 127.0.0.1'`,
   * `['loopback']`), as Express's `trust proxy`. `true` means one hop (unlike Express, for
   * which it means every hop, so the leftmost entry that the client writes) and logs a
   * warning. Only trust what is really in front: with no proxy there, a client could set its
   * own address and escape the per-address limits.
   * @default false
   */
  trustProxy?: TrustProxySetting;
  /** Largest form body accepted on the login pages, in bytes. @default 16384 */
  formBodyLimitBytes?: number;
  /** argon2id cost parameters. @default OWASP's (19 MiB, 2 passes) */
  passwordHashing?: PasswordHashingOptions;
  /**
   * The delivery of logout notices to client apps with a logout URL (single logout): polling,
   * deadline and retries. `serveProvider` starts the sender; with `createProviderApp` call
   * `provider.logoutNotices.start()`. @default see `LogoutNoticeSenderOptions`
   */
  logoutNotices?: LogoutNoticeSenderOptions;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  now?: () => number;
}

const positiveInt = (max: number) => z.number().int().positive().max(max);
const fn = <T>(what: string) =>
  z.custom<T>((value) => typeof value === 'function', { message: `must be ${what}` });
const objectWith = <T>(method: string, what: string) =>
  z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as Record<string, unknown>)[method] === 'function',
    { message: `must be ${what}` },
  );

const schema = z
  .object({
    database: z
      .union([
        z.string().min(1),
        objectWith<SqlDatabase<unknown>>('close', 'a database URL or an opened SqlDatabase'),
      ])
      .optional(),
    databaseTimeoutMs: z.number().positive().max(600_000).optional(),
    keyValueStore: objectWith<KeyValueStore>('take', 'a KeyValueStore').optional(),
    keyPrefix: z.string().max(100).optional(),
    clients: objectWith<ClientRegistry>('findApiKey', 'a ClientRegistry').optional(),
    clientCacheTtlMs: z.number().int().nonnegative().max(300_000).optional(),
    prefix: z
      .string()
      .regex(/^\/(.*\/)?$/, 'must start and end with "/"')
      .refine((prefix) => prefix !== '/', 'must not be "/": the provider\'s own /login/ lives there')
      .refine(
        (prefix) => /^[A-Za-z0-9/_.~-]+$/.test(prefix) && !prefix.includes('//'),
        'must be a plain URL path',
      )
      .optional(),
    requestTokenTtlSeconds: positiveInt(3600).min(30).optional(),
    maxDriftSeconds: positiveInt(3600).optional(),
    sessionTtlSeconds: positiveInt(31_536_000).optional(),
    rateLimit: z
      .object({
        perAddress: positiveInt(1_000_000).optional(),
        perAccountAndAddress: positiveInt(1_000_000).optional(),
        perAccount: positiveInt(1_000_000).optional(),
        windowSeconds: positiveInt(86_400).optional(),
        knownAddressSeconds: positiveInt(31_536_000).optional(),
      })
      .strict()
      .optional(),
    userToJson: fn<UserToJson>('a function (account) => object').optional(),
    logger: objectWith<ProviderLogger>('info', 'a pino-compatible logger').optional(),
    siteName: z.string().min(1).max(100).optional(),
    secureCookies: z.union([z.literal('auto'), z.boolean()]).optional(),
    trustProxy: z
      .union([
        z.boolean(),
        z.number().int().nonnegative().max(100),
        z.string().min(1),
        z.array(z.string().min(1)).readonly(),
      ])
      .superRefine((setting, context) => {
        try {
          compileTrustProxy(setting);
        } catch (error) {
          context.addIssue({
            code: 'custom',
            message: `must be a hop count or proxy addresses/subnets (${(error as Error).message})`,
          });
        }
      })
      .optional(),
    formBodyLimitBytes: positiveInt(1_048_576).min(1024).optional(),
    passwordHashing: z
      .object({
        memoryCost: positiveInt(4_194_304).optional(),
        timeCost: positiveInt(100).optional(),
        parallelism: positiveInt(255).optional(),
      })
      .strict()
      .optional(),
    logoutNotices: z
      .object({
        pollIntervalMs: positiveInt(3_600_000).optional(),
        timeoutMs: positiveInt(600_000).optional(),
        retryForMs: positiveInt(30 * 86_400_000).optional(),
        firstRetryMs: positiveInt(86_400_000).optional(),
        maxRetryMs: positiveInt(86_400_000).optional(),
        batchSize: positiveInt(1000).optional(),
        noticeTtlSeconds: positiveInt(3600).min(30).optional(),
      })
      .strict()
      .optional(),
    now: fn<() => number>('a function returning epoch milliseconds').optional(),
  })
  .strict();

export interface ResolvedProviderOptions {
  database: string | SqlDatabase<unknown>;
  databaseTimeoutMs: number;
  keyValueStore: KeyValueStore | undefined;
  keyPrefix: string;
  clients: ClientRegistry | undefined;
  clientCacheTtlMs: number;
  prefix: string;
  requestTokenTtlSeconds: number;
  maxDriftSeconds: number;
  sessionTtlSeconds: number;
  rateLimit: Required<LoginRateLimitOptions>;
  userToJson: UserToJson | undefined;
  logger: ProviderLogger | undefined;
  siteName: string;
  secureCookies: 'auto' | boolean;
  trustProxy: TrustProxySetting;
  formBodyLimitBytes: number;
  passwordHashing: PasswordHashingOptions;
  logoutNotices: LogoutNoticeSenderOptions;
  now: () => number;
}

/**
 * Validates the options once, at construction; the first problem is thrown as a TypeError
 * naming the option (`provider.prefix must start and end with "/"`).
 */
export function resolveProviderOptions(options: ProviderOptions = {}): ResolvedProviderOptions {
  const result = schema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = ['provider', ...(issue?.path ?? []).map(String)].join('.');
    const message =
      issue?.code === 'unrecognized_keys' ? `has unknown option(s) ${issue.keys.join(', ')}` : issue?.message;
    throw new TypeError(`${where} ${message ?? 'is invalid'}`);
  }
  const o = result.data;
  return {
    database: o.database ?? 'sqlite:ssokit.sqlite',
    databaseTimeoutMs: o.databaseTimeoutMs ?? 2000,
    keyValueStore: o.keyValueStore,
    keyPrefix: o.keyPrefix ?? 'ssokit:provider:',
    clients: o.clients,
    clientCacheTtlMs: o.clientCacheTtlMs ?? 5000,
    prefix: o.prefix ?? '/sso/',
    requestTokenTtlSeconds: o.requestTokenTtlSeconds ?? 240,
    maxDriftSeconds: o.maxDriftSeconds ?? 300,
    sessionTtlSeconds: o.sessionTtlSeconds ?? 1_209_600,
    rateLimit: {
      perAddress: o.rateLimit?.perAddress ?? 20,
      perAccountAndAddress: o.rateLimit?.perAccountAndAddress ?? 5,
      perAccount: o.rateLimit?.perAccount ?? 50,
      windowSeconds: o.rateLimit?.windowSeconds ?? 900,
      knownAddressSeconds: o.rateLimit?.knownAddressSeconds ?? 2_592_000,
    },
    userToJson: o.userToJson,
    logger: o.logger,
    siteName: o.siteName ?? 'Single Sign-on',
    secureCookies: o.secureCookies ?? 'auto',
    trustProxy: o.trustProxy ?? false,
    formBodyLimitBytes: o.formBodyLimitBytes ?? 16_384,
    passwordHashing: o.passwordHashing ?? {},
    logoutNotices: o.logoutNotices ?? {},
    now: o.now ?? Date.now,
  };
}
