import type { KeyValueStore, SqlDatabase } from '@ssokit/stores';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { UserToJson } from '../accounts/user-json.ts';
import type { AuditTrailOptions } from '../audit/audit-trail.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { compileTrustProxy } from '../http/request-context.ts';
import type { ProviderLogger } from '../logging/provider-logger.ts';
import type { ProviderObserver } from '../observability/provider-events.ts';

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

/**
 * The provider's options in one place: validation, defaults (which the resolved type
 * reflects) and the TSDoc that `ProviderOptions` shows in editors. Unknown options are refused.
 */
export const providerOptionsSchema = z
  .object({
    /**
     * Accounts and client registrations: a database URL (`sqlite:PATH`, `postgres://…`,
     * `mysql://…`) or a database opened with `openSqlDatabase` (left open on close).
     * @default 'sqlite:ssokit.sqlite'
     */
    database: z
      .union([
        z.string().min(1),
        objectWith<SqlDatabase<unknown>>('close', 'a database URL or an opened SqlDatabase'),
      ])
      .default('sqlite:ssokit.sqlite'),
    /**
     * Deadline of each SQL step (pool checkout, connect, query) of a `database` given as a URL,
     * in milliseconds: a database that is down or stalled answers 503 within it, and after
     * repeated failures at once (a circuit breaker) until it is back. A database opened with
     * `openSqlDatabase` keeps its own (`operationTimeoutMs`).
     * @default 2000
     */
    databaseTimeoutMs: z.number().positive().max(600_000).default(2000),
    /**
     * Request tokens, provider sessions, rate-limit counters and seen signatures. Use Redis or
     * Memcached when several processes serve. Left open on close when passed in.
     * @default memoryKeyValueStore()
     */
    keyValueStore: objectWith<KeyValueStore>('take', 'a KeyValueStore').optional(),
    /** Prepended to every key the provider writes to the key-value store. @default 'ssokit:provider:' */
    keyPrefix: z.string().max(100).default('ssokit:provider:'),
    /** Where client apps and their API keys come from. @default the client registrations in `database` */
    clients: objectWith<ClientRegistry>('findApiKey', 'a ClientRegistry').optional(),
    /**
     * How long a client registration read from `database` is reused, in milliseconds: it is read
     * on every signed call and login page. A client removed or rotated with the admin CLI (another
     * process) is still accepted for up to this long; through `provider.clientStore` at once.
     * 0 reads the table every time.
     * @default 5000
     */
    clientCacheTtlMs: z.number().int().nonnegative().max(300_000).default(5000),
    /** Mount point of the SSO endpoints, the client's "remote URL prefix". @default '/sso/' */
    prefix: z
      .string()
      .regex(/^\/(.*\/)?$/, 'must start and end with "/"')
      .refine((prefix) => prefix !== '/', 'must not be "/": the provider\'s own /login/ lives there')
      .refine(
        (prefix) => /^[A-Za-z0-9/_.~-]+$/.test(prefix) && !prefix.includes('//'),
        'must be a plain URL path',
      )
      .default('/sso/'),
    /** Life of a request token: the time a user has to sign in. @default 240 */
    requestTokenTtlSeconds: positiveInt(3600).min(30).default(240),
    /** Largest clock difference accepted on a signed call. @default 300 */
    maxDriftSeconds: positiveInt(3600).default(300),
    /** Life of a provider session (its own `/login/`). @default 1209600 */
    sessionTtlSeconds: positiveInt(31_536_000).default(1_209_600),
    /**
     * Failed sign-in limits, each counted atomically in `keyValueStore` before the password is
     * checked (see the README, "Limits and lockouts").
     * @default { perAddress: 20, perAccountAndAddress: 5, perAccount: 50, windowSeconds: 900, knownAddressSeconds: 2592000 }
     */
    rateLimit: z
      .object({
        /**
         * Failed sign-ins from one client address (an IPv6 address counts as its /64), for any
         * accounts, inside a window; then the address is refused. Slows one machine trying many
         * accounts; people behind one NAT share it.
         * @default 20
         */
        perAddress: positiveInt(1_000_000).default(20),
        /**
         * Failed sign-ins for one account from one address inside a window; then that account is
         * refused to that address only. A stranger's guesses never lock the owner out elsewhere.
         * @default 5
         */
        perAccountAndAddress: positiveInt(1_000_000).default(5),
        /**
         * Failed sign-ins for one account from addresses where it has not signed in before (see
         * `knownAddressSeconds`), inside a window; then the account is refused to every such
         * address. Caps what many addresses together can guess; the owner keeps signing in from
         * the addresses they used before.
         * @default 50
         */
        perAccount: positiveInt(1_000_000).default(50),
        /** Window length in seconds, counted from the first attempt it holds. @default 900 */
        windowSeconds: positiveInt(86_400).default(900),
        /**
         * How long an address where an account signed in stays known to that account (exempt from
         * `perAccount`), in seconds, counted from the last successful sign-in there.
         * @default 2592000 (30 days)
         */
        knownAddressSeconds: positiveInt(31_536_000).default(2_592_000),
      })
      .strict()
      .prefault({}),
    /** Replaces the user JSON sent to clients. @default the original's Django user fields */
    userToJson: fn<UserToJson>('a function (account) => object').optional(),
    /** pino-compatible logger. @default pino to stderr */
    logger: objectWith<ProviderLogger>('info', 'a pino-compatible logger').optional(),
    /** Heading of every page. @default 'Single Sign-on' */
    siteName: z.string().min(1).max(100).default('Single Sign-on'),
    /**
     * `Secure` on cookies: `'auto'` sets it when the request came over https (see `trustProxy`).
     * `false` is for plain-http development behind nothing and logs a warning when https is seen.
     * @default 'auto'
     */
    secureCookies: z.union([z.literal('auto'), z.boolean()]).default('auto'),
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
      .default(false),
    /** Largest form body accepted on the login pages, in bytes. @default 16384 */
    formBodyLimitBytes: positiveInt(1_048_576).min(1024).default(16_384),
    /** argon2id cost parameters. @default OWASP's (19 MiB, 2 passes) */
    passwordHashing: z
      .object({
        memoryCost: positiveInt(4_194_304).optional(),
        timeCost: positiveInt(100).optional(),
        parallelism: positiveInt(255).optional(),
      })
      .strict()
      .default({}),
    /** Clock in epoch milliseconds, for tests. @default Date.now */
    now: fn<() => number>('a function returning epoch milliseconds').default(() => Date.now),
    /**
     * Prometheus metrics (prom-client) in a registry of this provider's own, never the global
     * one: `true` makes one (`provider.metrics.registry`), or pass a `Registry` to add to.
     * `serveProvider({ metricsPort })` serves them at `/metrics` on a port of their own.
     * @default false
     */
    metrics: z
      .union([z.boolean(), objectWith<Registry>('registerMetric', 'true, false or a prom-client Registry')])
      .default(false),
    /**
     * The audit trail: one log line and one SQL row for each security-relevant event, listed by
     * `ssokit provider audit`. `false` turns it off (and logs a warning).
     * @default { retentionDays: 90, pruneIntervalMs: 3600000, flushIntervalMs: 250 }
     */
    audit: z
      .union([
        z.literal(false),
        z
          .object({
            retentionDays: z.number().positive().max(36_500).optional(),
            pruneIntervalMs: z.number().int().min(1000).max(86_400_000).optional(),
            flushIntervalMs: z.number().int().positive().max(60_000).optional(),
          })
          .strict(),
      ])
      .default({}),
    /**
     * More listeners for the provider's events (sign-ins, tokens, admin changes; see
     * `ProviderEvent`), told after the metrics and the audit trail: to forward them to a SIEM.
     * @default []
     */
    observers: z
      .array(objectWith<ProviderObserver>('event', 'an object with an event(event) method'))
      .default([]),
    /**
     * Delivery of single-logout notices to client apps with a logout URL: how often the outbox
     * is polled, each delivery's deadline, and the backoff (doubling from `firstRetryMs` up to
     * `maxRetryMs`) for `retryForMs` (a day) before a notice is dropped, and how long sign-in
     * records are kept (`signInRetentionMs`, pruned every `pruneIntervalMs`). `serveProvider` starts
     * the sender; with `createProviderApp` call `provider.logoutNotices.start()`.
     * @default see `LogoutNoticeSenderOptions` (polls every 1 s, 5 s per delivery, retried for a day, notices valid 300 s, sign-in records kept 30 days)
     */
    logoutNotices: z
      .object({
        pollIntervalMs: positiveInt(3_600_000).optional(),
        timeoutMs: positiveInt(600_000).optional(),
        retryForMs: positiveInt(30 * 86_400_000).optional(),
        firstRetryMs: positiveInt(86_400_000).optional(),
        maxRetryMs: positiveInt(86_400_000).optional(),
        batchSize: positiveInt(1000).optional(),
        noticeTtlSeconds: positiveInt(3600).min(30).optional(),
        signInRetentionMs: positiveInt(366 * 86_400_000).optional(),
        pruneIntervalMs: positiveInt(86_400_000).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** Everything `createProvider()` accepts; every option has a default. */
export type ProviderOptions = z.input<typeof providerOptionsSchema>;

/** The options after defaults. */
export type ResolvedProviderOptions = z.output<typeof providerOptionsSchema>;

/**
 * Validates the options once, at construction; the first problem is thrown as a TypeError
 * naming the option (`provider.prefix must start and end with "/"`).
 */
export function resolveProviderOptions(options: ProviderOptions = {}): ResolvedProviderOptions {
  const result = providerOptionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = ['provider', ...(issue?.path ?? []).map(String)].join('.');
    const message =
      issue?.code === 'unrecognized_keys' ? `has unknown option(s) ${issue.keys.join(', ')}` : issue?.message;
    throw new TypeError(`${where} ${message ?? 'is invalid'}`);
  }
  return result.data;
}
