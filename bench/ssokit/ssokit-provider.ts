import { createProviderApp, ensureAccount, ensureClient, type ProviderApp } from '@ssokit/provider';
import { type KeyValueStore, openSqlDatabase, type SqlDatabase } from '@ssokit/stores';
import { benchAccounts } from '../login/bench-account.ts';
import { benchLogger } from './bench-logger.ts';

/** The credentials of the benchmark's client app at the provider. */
export const BENCH_API_KEY = 'benchclient01';
export const BENCH_SECRET = 'bench-client-secret-0123456789abcdef';

export interface BenchProviderOptions {
  /**
   * Accounts and client registrations.
   * @default ':memory:' (SQLite in memory)
   */
  databaseUrl?: string;
  /** Tokens and sessions. @default the provider's in-memory store */
  keyValueStore?: KeyValueStore;
  /** @default 'ssokit:provider:' */
  keyPrefix?: string;
  /**
   * How many of the bench accounts to add (each costs an argon2id hash at start-up).
   * @default all of them
   */
  accounts?: number;
  /**
   * Prometheus metrics and the audit trail (SQL rows and log lines): `true` turns both on,
   * `false` both off; left out, the provider's defaults (audit on, metrics off).
   */
  observability?: boolean | { metrics: boolean; audit: boolean };
  /** The audit trail's batch interval. @default the provider's (250 ms) */
  auditFlushIntervalMs?: number;
}

export interface BenchProvider {
  app: ProviderApp;
  database: SqlDatabase<unknown>;
  /** Registers the client app at `host[:port]` (the provider refuses redirects elsewhere). */
  registerClient(host: string): Promise<void>;
  close(): Promise<void>;
}

/** `true` / `false`: metrics and audit both on / off; or each on its own (to tell their costs apart). */
function observabilityOptions(
  observability: BenchProviderOptions['observability'],
  auditFlushIntervalMs: number | undefined,
) {
  const auditOptions = auditFlushIntervalMs === undefined ? {} : { flushIntervalMs: auditFlushIntervalMs };
  if (observability === undefined) return auditFlushIntervalMs === undefined ? {} : { audit: auditOptions };
  const { metrics, audit } =
    typeof observability === 'boolean' ? { metrics: observability, audit: observability } : observability;
  return { metrics, audit: audit ? auditOptions : (false as const) };
}

/**
 * ssokit's provider as a user sets it up: `createProviderApp`, migrated, with the bench
 * account (argon2id, default parameters) and the bench client app registered.
 */
export async function createBenchProvider(options: BenchProviderOptions = {}): Promise<BenchProvider> {
  const database = openSqlDatabase({ url: options.databaseUrl ?? ':memory:' });
  const app = createProviderApp({
    database,
    ...(options.keyValueStore === undefined ? {} : { keyValueStore: options.keyValueStore }),
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    logger: benchLogger('ssokit-provider'),
    ...observabilityOptions(options.observability, options.auditFlushIntervalMs),
  });
  await app.provider.migrate();
  for (const account of benchAccounts.slice(0, options.accounts)) {
    await ensureAccount(app.provider.accounts, {
      username: account.username,
      password: account.password,
      email: account.email,
      firstName: account.firstName,
      lastName: account.lastName,
    });
  }
  return {
    app,
    database,
    async registerClient(host) {
      const store = app.provider.clientStore;
      if (store === undefined) throw new Error('the bench provider keeps clients in SQL');
      // A database kept from an earlier run (growth) holds the key bound to an older port.
      await store.remove(BENCH_API_KEY);
      await ensureClient(store, { apiKey: BENCH_API_KEY, secret: BENCH_SECRET, host });
    },
    async close() {
      await app.provider.close();
      await database.close();
    },
  };
}
