import { SignedRequestVerifier } from '@ssokit/protocol';
import { type KeyValueStore, memoryKeyValueStore, openSqlDatabase, type SqlDatabase } from '@ssokit/stores';
import type { Kysely } from 'kysely';
import type { Account } from './accounts/account.ts';
import type { ProviderSchema } from './accounts/account-schema.ts';
import { type AccountStore, sqlAccountStore } from './accounts/account-store.ts';
import { argon2PasswordHasher } from './accounts/password-hashing.ts';
import { guardDatabaseErrors } from './accounts/unavailable-guard.ts';
import { defaultUserToJson, type UserJson } from './accounts/user-json.ts';
import type { ClientRegistry } from './clients/client-registry.ts';
import { type SqlClientStore, sqlClientStore } from './clients/sql-client-store.ts';
import {
  type ProviderOptions,
  type ResolvedProviderOptions,
  resolveProviderOptions,
} from './config/provider-options.ts';
import { type CsrfTokens, csrfTokens } from './http/csrf.ts';
import { defaultProviderLogger, type ProviderLogger } from './logging/provider-logger.ts';
import { type LogoutNoticeSender, logoutNoticeSender } from './logout/logout-notice-sender.ts';
import { type SingleLogout, singleLogout } from './logout/single-logout.ts';
import { type LoginRateLimiter, loginRateLimiter } from './rate-limit/login-rate-limiter.ts';
import { type ProviderSessions, providerSessions } from './sessions/provider-sessions.ts';
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
  /** The user JSON for an account (the `userToJson` option, or the original's shape). */
  userJson(account: Account): Promise<UserJson>;
  /** Creates or updates the tables of accounts and client registrations. */
  migrate(): Promise<void>;
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

  // The account store ends sessions through single logout, which needs the clients: bound late.
  let logout: SingleLogout | undefined;
  const accounts = guardDatabaseErrors(
    sqlAccountStore({
      database,
      passwordHasher: argon2PasswordHasher(resolved.passwordHashing),
      now: () => new Date(now()),
      onSessionsEnd: (userId, reason) => (logout as SingleLogout).onSessionsEnd(userId, reason),
    }),
    'account database',
  );
  const clientStore =
    resolved.clients === undefined
      ? sqlClientStore({ database, prefix: resolved.prefix, cacheTtlMs: resolved.clientCacheTtlMs, now })
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
  const logoutNotices = logoutNoticeSender({ db: logoutDb, clients, logger, now }, resolved.logoutNotices);

  return {
    options: resolved,
    logger,
    database,
    keyValueStore,
    accounts,
    clientStore,
    clients,
    requestTokens: requestTokens({
      store: keyValueStore,
      ttlSeconds: resolved.requestTokenTtlSeconds,
      keyPrefix,
      now,
    }),
    sessions: providerSessions({
      store: keyValueStore,
      ttlSeconds: resolved.sessionTtlSeconds,
      keyPrefix,
      now,
    }),
    rateLimiter: loginRateLimiter(keyValueStore, { ...resolved.rateLimit, keyPrefix, logger }),
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
    csrf: csrfTokens(keyValueStore, keyPrefix, now),
    async userJson(account) {
      return await userToJson(account);
    },
    async migrate() {
      await accounts.migrate();
      await clientStore?.migrate();
    },
    async close() {
      await logoutNotices.stop();
      if (ownsStore) await keyValueStore.close();
      if (ownsDatabase) await database.close();
    },
  };
}
