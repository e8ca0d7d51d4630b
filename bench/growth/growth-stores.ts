import { rmSync } from 'node:fs';
import { createProvider, silentLogger } from '@ssokit/provider';
import { openSqlDatabase } from '@ssokit/stores';
import { sqlUserStore } from 'ssokit';
import { progress } from '../lib/progress.ts';

const SEEDING_TIMEOUT_MS = 600_000;

import { hashBenchPassword } from '../login/bench-account.ts';
import type { SsokitProviderServerConfig } from '../login/ssokit-provider-server.ts';
import {
  type ClientStoreNames,
  createPostgresDatabase,
  dropPostgresDatabase,
  postgresUrlFor,
  serviceUrls,
} from '../ssokit/client-stores.ts';
import { dropClientStores } from '../ssokit/drop-client-stores.ts';
import { uniqueStoreNames } from '../ssokit/unique-names.ts';
import { seedRedisSessions } from './seed-key-value.ts';
import {
  PROVIDER_USERS_TABLE,
  seedClientUsers,
  seedProviderAccounts,
  settleAfterSeeding,
} from './seed-sql.ts';
import { seedClientSessions } from './seed-sql-sessions.ts';

export type GrowthStoreKind = 'sqlite' | 'postgres' | 'redis';

/**
 * The stores of one growth run and how to fill them: the client's users and sessions (SQL, one
 * database) or sessions and cached users (Redis), and the provider's accounts (SQL: SQLite, or a PostgreSQL database of
 * the run's own, since the provider's table names are fixed).
 */
export interface GrowthStores {
  kind: GrowthStoreKind;
  names: ClientStoreNames;
  provider: SsokitProviderServerConfig;
  /** How many users (and sessions) are stored now. */
  size: number;
  /** Adds users and sessions until there are `size`. */
  growTo(size: number): Promise<void>;
  drop(): Promise<void>;
}

function warnIfUnsettled(warning: string | undefined): void {
  if (warning !== undefined) progress(`growth: ${warning}; the figures that follow include it`);
}

export async function createGrowthStores(kind: GrowthStoreKind): Promise<GrowthStores> {
  const names = uniqueStoreNames(`grow_${kind}`);
  const providerDatabaseName = `bench_${names.id}`.toLowerCase();
  const providerSqlitePath = `${names.sqlitePath}.provider.sqlite`;
  const providerDatabaseUrl =
    kind === 'postgres' ? postgresUrlFor(providerDatabaseName) : `sqlite:${providerSqlitePath}`;

  if (kind === 'postgres') await createPostgresDatabase(providerDatabaseName);
  // The provider's tables, created the way the provider creates them.
  const provider = createProvider({ database: providerDatabaseUrl, logger: silentLogger });
  await provider.migrate();
  await provider.close();
  const passwordHash = await hashBenchPassword();

  const clientDatabaseUrl = kind === 'sqlite' ? `sqlite:${names.sqlitePath}` : serviceUrls.postgres;
  const stores: GrowthStores = {
    kind,
    names,
    provider: {
      databaseUrl: providerDatabaseUrl,
      ...(kind === 'redis'
        ? { keyValueStoreUrl: serviceUrls.redis, keyPrefix: `${names.keyPrefix}provider:` }
        : {}),
    },
    size: 0,
    async growTo(size) {
      if (size <= stores.size) return;
      // Seeding runs statements of 100,000 rows and VACUUM ANALYZE: far past a request's 2 s deadline.
      const providerDb = openSqlDatabase({
        url: providerDatabaseUrl,
        operationTimeoutMs: SEEDING_TIMEOUT_MS,
      });
      try {
        await seedProviderAccounts(providerDb, passwordHash, stores.size, size);
        warnIfUnsettled(await settleAfterSeeding(providerDb, [PROVIDER_USERS_TABLE]));
      } finally {
        await providerDb.close();
      }
      if (kind === 'redis') {
        await seedRedisSessions(names.keyPrefix, stores.size, size);
      } else {
        const clientDb = openSqlDatabase({ url: clientDatabaseUrl, operationTimeoutMs: SEEDING_TIMEOUT_MS });
        try {
          // Any call creates the table, as the client does on first use.
          await sqlUserStore({
            database: clientDb,
            tableName: names.usersTable,
            migrationTableName: names.migrationTable,
          }).get(0);
          await seedClientUsers(clientDb, names.usersTable, stores.size, size);
          await seedClientSessions(clientDb, names.sessionsTable, stores.size, size);
          warnIfUnsettled(await settleAfterSeeding(clientDb, [names.usersTable, names.sessionsTable]));
        } finally {
          await clientDb.close();
        }
      }
      stores.size = size;
    },
    async drop() {
      await dropClientStores(kind, names);
      if (kind === 'postgres') {
        await dropPostgresDatabase(providerDatabaseName);
      } else {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${providerSqlitePath}${suffix}`, { force: true });
      }
    },
  };
  return stores;
}
