import { SignedRequestVerifier } from '@ssokit/protocol';
import { type KeyValueStore, memoryKeyValueStore, openSqlDatabase, type SqlDatabase } from '@ssokit/stores';
import type { Kysely } from 'kysely';
import type { Account } from './accounts/account.ts';
import type { ProviderSchema } from './accounts/account-schema.ts';
import { type AccountStore, sqlAccountStore } from './accounts/account-store.ts';
import { argon2PasswordHasher } from './accounts/password-hashing.ts';
import { guardDatabaseErrors } from './accounts/unavailable-guard.ts';
import { defaultUserToJson, type UserJson } from './accounts/user-json.ts';
import { type AuditTrail, sqlAuditTrail } from './audit/audit-trail.ts';
import type { ClientRegistry } from './clients/client-registry.ts';
import { type SqlClientStore, sqlClientStore } from './clients/sql-client-store.ts';
import {
  type ProviderOptions,
  type ResolvedProviderOptions,
  resolveProviderOptions,
} from './config/provider-options.ts';
import { type ProviderState, type ReadinessReport, readinessCheck } from './health/readiness.ts';
import { type CsrfTokens, csrfTokens } from './http/csrf.ts';
import { defaultProviderLogger, type ProviderLogger } from './logging/provider-logger.ts';
import { type LogoutNoticeSender, logoutNoticeSender } from './logout/logout-notice-sender.ts';
import { type SingleLogout, singleLogout } from './logout/single-logout.ts';
import { reportingAccountStore, reportingClientStore } from './observability/admin-events.ts';
import {
  type ProviderEvents,
  type ProviderObserver,
  providerEvents,
} from './observability/provider-events.ts';
import { type ProviderMetrics, providerMetrics } from './observability/provider-metrics.ts';
import { timedStore } from './observability/timed-store.ts';
import { type LoginRateLimiter, loginRateLimiter } from './rate-limit/login-rate-limiter.ts';
import { type ProviderSessions, providerSessions } from './sessions/provider-sessions.ts';
import { sqlSessionIndex } from './sessions/session-index.ts';
import { migrateWithRetry } from './startup/migrate-with-retry.ts';
import { type RequestTokens, requestTokens } from './tokens/request-tokens.ts';

/**
 * The provider's core: storage and rules, no HTTP. `createProviderApp` puts routes on it;
 * the CLI uses `accounts` and `clientStore` directly.
 */
export interface Provider {
  readonly options: ResolvedProviderOptions;
  readonly logger: ProviderLogger;
  readonly database: SqlDatabase<unknown>;
  readonly keyValueStore: KeyValueStore;
  readonly accounts: AccountStore;
  /** Client registrations in SQL (add, list, remove, rotate); undefined when `clients` was given. */
  readonly clientStore: SqlClientStore | undefined;
  readonly clients: ClientRegistry;
  readonly requestTokens: RequestTokens;
  readonly sessions: ProviderSessions;
  readonly rateLimiter: LoginRateLimiter;
  /**
   * The verifier of the SSO endpoints. It accepts identical calls (see the README, "Identical
   * signed calls"): for APIs of your own, use `requireSignedCall()`, which refuses replays.
   */
  readonly verifier: SignedRequestVerifier;
  /**
   * Back-channel single logout: which client got which sign-in, and the outbox of logout
   * notices (`endAccountSessions` ends an account's sessions in every client app).
   */
  readonly singleLogout: SingleLogout;
  /** Delivers the outbox's logout notices; `serveProvider` starts it, `close()` stops it. */
  readonly logoutNotices: LogoutNoticeSender;
  /** The CSRF tokens of the provider's forms (signed with a secret kept in `keyValueStore`). */
  readonly csrf: CsrfTokens;
  /** Where observers (metrics, the audit trail) hear of sign-ins, tokens and admin changes. */
  readonly events: ProviderEvents;
  /** The Prometheus metrics, when the `metrics` option is on. */
  readonly metrics: ProviderMetrics | undefined;
  /** The audit trail, unless the `audit` option is false. */
  readonly audit: AuditTrail | undefined;
  /** `starting` (schema not migrated yet, see `migrateInBackground`), `serving` or `draining`. */
  readonly state: ProviderState;
  /** What `/readyz` answers: the state and whether the database and key-value store answer. */
  readiness(): Promise<ReadinessReport>;
  /** The user JSON for an account (the `userToJson` option, or the original's shape). */
  userJson(account: Account): Promise<UserJson>;
  /** Creates or updates the tables of accounts, client registrations and the audit trail. */
  migrate(): Promise<void>;
  /**
   * Migrates in the background, trying again with backoff while the database is down; the
   * state is `starting` (every page and endpoint answers 503) until it succeeds. Resolves
   * true when migrated, false when the provider was closed first. `onFirstAttempt` is called
   * once the first attempt has ended either way.
   */
  migrateInBackground(onFirstAttempt?: () => void): Promise<boolean>;
  /** Enters `draining`: `/readyz` answers 503 from now on (the server stops accepting). */
  drain(): void;
  /** Closes what the provider opened itself (a database from a URL, the default memory store). */
  close(): Promise<void>;
}

export function createProvider(options: ProviderOptions = {}): Provider {
  const resolved = resolveProviderOptions(options);
  const logger = resolved.logger ?? defaultProviderLogger();
  const ownsDatabase = typeof resolved.database === 'string';
  const database =
    typeof resolved.database === 'string'
      ? openSqlDatabase({ url: resolved.database, operationTimeoutMs: resolved.databaseTimeoutMs, logger })
      : resolved.database;
  const ownsStore = resolved.keyValueStore === undefined;
  // With the logger, a full store (an anonymous flood of sign-in pages) is reported once.
  const keyValueStore = resolved.keyValueStore ?? memoryKeyValueStore({ logger });
  const { keyPrefix, now } = resolved;

  const metrics =
    resolved.metrics === false
      ? undefined
      : providerMetrics(resolved.metrics === true ? {} : { registry: resolved.metrics });
  const audit = resolved.audit === false ? undefined : sqlAuditTrail(database, logger, now, resolved.audit);
  if (audit === undefined) {
    logger.warn({ option: 'audit' }, 'audit trail off: sign-ins and admin changes are not recorded');
  }
  const observers: ProviderObserver[] = [];
  if (metrics !== undefined) observers.push(metrics.observer);
  if (audit !== undefined) observers.push(audit.observer);
  observers.push(...resolved.observers);
  const events = providerEvents(observers, (error) =>
    logger.error({ event: 'observer_failed', err: error }, 'an event observer failed'),
  );
  // A store in this process (the default memory store) does no I/O: nothing to time.
  const timedKeyValueStore = timedStore(
    keyValueStore,
    'key_value',
    keyValueStore.shared ? metrics : undefined,
    ['get', 'set', 'add', 'take', 'delete', 'increment'],
  );

  // The account store ends sessions through single logout, which needs the clients: bound late.
  let logout: SingleLogout | undefined;
  const accounts = reportingAccountStore(
    guardDatabaseErrors(
      timedStore(
        sqlAccountStore({
          database,
          passwordHasher: argon2PasswordHasher(resolved.passwordHashing),
          now: () => new Date(now()),
          onSessionsEnd: (userId, reason) => (logout as SingleLogout).onSessionsEnd(userId, reason),
        }),
        'accounts',
        metrics,
        [
          'add',
          'findByUsername',
          'findById',
          'list',
          'remove',
          'setPassword',
          'verifyCredentials',
          'recordLogin',
        ],
      ),
      'account database',
    ),
    events,
  );
  const clientStore =
    resolved.clients === undefined
      ? reportingClientStore(
          sqlClientStore({
            database,
            prefix: resolved.prefix,
            cacheTtlMs: resolved.clientCacheTtlMs,
            now,
            wrapTable: (table) =>
              timedStore(table, 'clients', metrics, [
                'findApiKey',
                'add',
                'list',
                'remove',
                'rotateSecret',
                'retireOldSecrets',
              ]),
          }),
          events,
        )
      : undefined;
  const clients =
    resolved.clients ?? guardDatabaseErrors<ClientRegistry>(clientStore as SqlClientStore, 'client registry');
  const userToJson = resolved.userToJson ?? defaultUserToJson;
  const logoutDb = database.db as Kysely<ProviderSchema>;
  logout = guardDatabaseErrors(
    singleLogout({
      db: logoutDb,
      clients,
      listClients: clientStore === undefined ? undefined : () => clientStore.list(),
      now,
    }),
    'single logout database',
  );
  const logoutNotices = logoutNoticeSender(
    {
      db: logoutDb,
      clients,
      logger,
      now,
      events,
      usernameOf: async (userId) => (await accounts.findById(userId))?.username,
    },
    resolved.logoutNotices,
  );
  metrics?.countPendingLogoutNotices(() => (logout as SingleLogout).pendingNotices());

  let state: ProviderState = 'serving';
  const stopping = new AbortController();
  const setState = (next: ProviderState) => {
    state = next;
    metrics?.ready.set(next === 'serving' ? 1 : 0);
  };
  setState('serving');
  const readiness = readinessCheck({ database, keyValueStore, keyPrefix, state: () => state });
  const migrate = async () => {
    await accounts.migrate();
    await clientStore?.migrate();
    await audit?.migrate();
  };

  return {
    options: resolved,
    logger,
    database,
    keyValueStore,
    accounts,
    clientStore,
    clients,
    requestTokens: requestTokens({
      store: timedKeyValueStore,
      ttlSeconds: resolved.requestTokenTtlSeconds,
      keyPrefix,
      now,
    }),
    sessions: providerSessions({
      store: timedKeyValueStore,
      ttlSeconds: resolved.sessionTtlSeconds,
      keyPrefix,
      now,
      index: guardDatabaseErrors(sqlSessionIndex(database), 'session index'),
    }),
    rateLimiter: loginRateLimiter(timedKeyValueStore, { ...resolved.rateLimit, keyPrefix, logger }),
    verifier: new SignedRequestVerifier({
      apiKeys: clients,
      maxDriftSeconds: resolved.maxDriftSeconds,
      now,
      // The SSO endpoints answer identical calls as the original did: an original client signs
      // with a 10 ms timestamp, so users who click "login" together send the same call. Sent
      // again, `reqeusttoken/` only mints another token bound to the same key, and `authtoken/`
      // is single-use through its request token, so a replay gains nothing (README: "Replays").
      identicalCalls: 'accept',
    }),
    singleLogout: logout,
    logoutNotices,
    csrf: csrfTokens(timedKeyValueStore, keyPrefix, now),
    events,
    metrics,
    audit,
    get state() {
      return state;
    },
    readiness,
    async userJson(account) {
      return await userToJson(account);
    },
    migrate,
    async migrateInBackground(onFirstAttempt) {
      setState('starting');
      const migrated = await migrateWithRetry(migrate, {
        logger,
        signal: stopping.signal,
        ...(onFirstAttempt === undefined ? {} : { onFirstAttempt }),
      });
      if (migrated && state === 'starting') setState('serving');
      return migrated;
    },
    drain() {
      setState('draining');
    },
    async close() {
      await logoutNotices.stop();
      stopping.abort();
      setState('draining');
      await audit?.close();
      if (ownsStore) await keyValueStore.close();
      if (ownsDatabase) await database.close();
    },
  };
}
