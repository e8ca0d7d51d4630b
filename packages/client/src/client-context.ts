import type { SsoError } from '@ssokit/protocol';
import {
  cachedKeyValueStore,
  getNowOf,
  type KeyValueStore,
  keyValueStoreFromUrl,
  memoryKeyValueStore,
  openSqlDatabase,
  type SqlDatabase,
  sqlKeyValueStore,
  storeUnavailableError,
  warnIfPerProcessStore,
} from '@ssokit/stores';
import type { ResolvedClientConfig } from './config/client-config.ts';
import { defaultSsoLogger, OutageLog, type SsoLogger } from './logging/sso-logger.ts';
import { LoginStateStore } from './login/login-state.ts';
import { ProviderApi } from './login/provider-api.ts';
import type { RedirectPolicy } from './login/safe-redirect.ts';
import { reportingSessionStore, type SsoClientEvents, safeClientEvents } from './metrics/client-events.ts';
import { SessionManager } from './session/session-manager.ts';
import { cacheUserStore } from './user/cache-user-store.ts';
import { sqlUserStore } from './user/sql-user-store.ts';
import type { UserStore } from './user/user-store.ts';

/** What the flows of one client share; built once from the resolved configuration. */
export interface ClientContext<Extras extends object> {
  config: ResolvedClientConfig;
  logger: SsoLogger;
  /** The app's `events` callbacks, each safe to call (absent ones are undefined). */
  events: SsoClientEvents;
  api: ProviderApi;
  sessions: SessionManager<Extras>;
  /** The store of sessions and pending sign-ins (also: logout notices seen). */
  sessionStore: KeyValueStore;
  loginStates: LoginStateStore;
  users: UserStore;
  sessionStoreOutage: OutageLog;
  loginCookieName: string;
  redirectPolicy: RedirectPolicy;
  /** Whether cookies get `Secure`, given whether the current request came over https. */
  secureCookies(https: boolean | undefined): boolean;
  /** Closes what the client opened itself (never stores or databases passed in). */
  close(): Promise<void>;
}

/**
 * A 503 for a store that failed. The message is shown to visitors, so it names only what
 * failed; the cause, for the log, is a sanitized copy of the store's error: a driver's error
 * object carries keys, values or SQL parameters (session tokens) in its properties.
 */
export function storeUnavailable(error: unknown, what: string): SsoError {
  return storeUnavailableError(`the ${what}`, error, {
    message: `the ${what} is unavailable, please try again shortly`,
  });
}

export function buildClientContext<Extras extends object>(
  config: ResolvedClientConfig,
  testing: { fetch?: typeof fetch } = {},
): ClientContext<Extras> {
  const logger = config.logger ?? defaultSsoLogger();
  const closers: (() => Promise<void>)[] = [];

  // The SQL database of the `database` option, opened at most once: users and sessions
  // ('database' for both) share its pool. One the client opened is closed after the stores.
  let database: SqlDatabase | undefined;
  let closeDatabase = async (): Promise<void> => {};
  const sqlDatabase = (): SqlDatabase => {
    if (database !== undefined) return database;
    if (typeof config.database === 'string') {
      const opened = openSqlDatabase({
        url: config.database,
        operationTimeoutMs: config.databaseTimeoutMs,
        logger,
      });
      closeDatabase = () => opened.close();
      database = opened;
    } else {
      database = config.database;
    }
    return database;
  };

  let sessionStore: KeyValueStore;
  if (config.sessionStore === undefined) {
    const memory = memoryKeyValueStore({ logger });
    sessionStore = memory;
    closers.push(() => memory.close());
  } else if (config.sessionStore === 'database') {
    const sql = sqlKeyValueStore({ database: sqlDatabase() });
    sessionStore = sql;
    closers.push(() => sql.close());
  } else if (typeof config.sessionStore === 'string') {
    const opened = keyValueStoreFromUrl(config.sessionStore, { logger });
    sessionStore = opened;
    closers.push(() => opened.close());
  } else {
    sessionStore = config.sessionStore;
  }
  const events = safeClientEvents(config.events, logger);
  sessionStore = reportingSessionStore(sessionStore, events);
  // Right for 'database' too: a SQLite file is shared by the processes that open it,
  // an in-memory SQLite database is not.
  warnIfPerProcessStore(sessionStore, 'sessions', logger);
  // A shared store that needs a round trip gets the read cache; one that answers at once
  // (memory, SQLite) needs none. Closed before the store (it is closed first, below).
  let cachedReads = false;
  if (config.readCache !== false && sessionStore.shared && getNowOf(sessionStore) === undefined) {
    const cached = cachedKeyValueStore({ store: sessionStore, ...config.readCache, logger });
    sessionStore = cached;
    cachedReads = true;
    closers.unshift(() => cached.close());
  }

  let users: UserStore;
  if (config.userStore !== undefined) {
    users = config.userStore;
  } else if (config.userStorage === 'cache') {
    // The session store's cache also serves the users kept beside the sessions.
    const cache = config.cache ?? sessionStore;
    warnIfPerProcessStore(cache, 'cached users', logger);
    users = cacheUserStore({ store: cache, ttlSeconds: config.userCacheTtlSeconds });
  } else {
    users = sqlUserStore({ database: sqlDatabase() });
    closers.push(() => users.close());
  }

  if (config.secureCookies === false) {
    logger.warn(
      { option: 'secureCookies' },
      'secureCookies is off: session cookies are also sent over plain http',
    );
  }
  if (config.allowShortSecret && config.secretKey.length < 16) {
    logger.warn({ option: 'allowShortSecret' }, 'the secret key is shorter than 16 characters');
  }
  const appIsHttps = config.appUrl?.startsWith('https:');

  return {
    config,
    logger,
    events,
    api: new ProviderApi({
      providerUrl: config.providerUrl,
      remotePrefix: config.remotePrefix,
      apiKey: config.apiKey,
      secretKey: config.secretKey,
      timeoutMs: config.timeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      ...(events.providerCall === undefined ? {} : { onCall: events.providerCall }),
      ...(testing.fetch === undefined ? {} : { fetch: testing.fetch }),
    }),
    sessions: new SessionManager<Extras>({
      store: sessionStore,
      ttlSeconds: config.sessionTtlSeconds,
      // The read cache keeps epochs coherent itself (and as cheap as a hash lookup): a second
      // per-process epoch cache would only add up to a second of staleness.
      ...(cachedReads ? { epochCacheMs: 0 } : {}),
    }),
    sessionStore,
    loginStates: new LoginStateStore(sessionStore, config.loginStateTtlSeconds),
    users,
    sessionStoreOutage: new OutageLog(logger, 'session store'),
    loginCookieName: `${config.cookieName}_login`,
    redirectPolicy: { allowedOrigins: config.allowedRedirectOrigins },
    secureCookies(https) {
      if (config.secureCookies !== 'auto') return config.secureCookies;
      return appIsHttps ?? https === true;
    },
    async close() {
      for (const close of closers) await close();
      await closeDatabase();
    },
  };
}
