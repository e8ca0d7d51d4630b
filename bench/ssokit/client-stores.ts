import {
  type KeyValueStore,
  keyValueStoreFromUrl,
  memoryKeyValueStore,
  openSqlDatabase,
  sqlKeyValueStore,
} from '@ssokit/stores';
import { sql } from 'kysely';
import { cacheUserStore, sqlUserStore, type UserStore } from 'ssokit';

/** Where ssokit's client app keeps sessions and users in a benchmark scenario. */
export type ClientStoreKind = 'memory' | 'sqlite' | 'postgres' | 'redis' | 'memcached';

export const CLIENT_STORE_KINDS: readonly ClientStoreKind[] = [
  'memory',
  'sqlite',
  'postgres',
  'redis',
  'memcached',
];

export const serviceUrls = {
  postgres: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redis: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  memcached: process.env.BENCH_MEMCACHED_URL ?? 'memcached://127.0.0.1:11211',
};

/** The bench's PostgreSQL server, another database on it. */
export function postgresUrlFor(database: string): string {
  const url = new URL(serviceUrls.postgres);
  url.pathname = `/${database}`;
  return url.href;
}

/** Creates a database on the bench's PostgreSQL server (through its default one); returns its URL. */
export async function createPostgresDatabase(database: string): Promise<string> {
  const admin = openSqlDatabase({ url: serviceUrls.postgres });
  await sql`create database ${sql.id(database)}`.execute(admin.db).finally(() => admin.close());
  return postgresUrlFor(database);
}

/** Drops it, connections and all. */
export async function dropPostgresDatabase(database: string): Promise<void> {
  const admin = openSqlDatabase({ url: serviceUrls.postgres });
  await sql`drop database if exists ${sql.id(database)} with (force)`
    .execute(admin.db)
    .finally(() => admin.close());
}

export interface ClientStores {
  sessionStore: KeyValueStore;
  userStore: UserStore;
  /** `false`: the client's read cache in front of a shared session store is off. */
  readCache?: false;
  close(): Promise<void>;
}

export interface ClientStoreNames {
  /** Prefix of every key in Redis/Memcached, unique per run so parallel runs never collide. */
  keyPrefix: string;
  /** The users table in SQL, unique per run; dropped by whoever created it. */
  usersTable: string;
  migrationTable: string;
  /**
   * The sessions table in SQL (`sqlite`, `postgres`), unique per run, with its own
   * `<sessionsTable>_migrations` table; dropped by whoever created it.
   */
  sessionsTable: string;
  /** The SQLite file for `sqlite`. */
  sqlitePath: string;
}

/**
 * The stores of each scenario: sessions and cached users in memory, Redis or Memcached; with
 * `sqlite` and `postgres`, users and sessions in SQL on one database (the sessions in a
 * `sqlKeyValueStore` table, what `sessionStore: 'database'` gives such an app).
 */
export function openClientStores(kind: ClientStoreKind, names: ClientStoreNames): ClientStores {
  if (kind === 'memory') {
    const store = memoryKeyValueStore();
    return { sessionStore: store, userStore: cacheUserStore({ store }), close: () => store.close() };
  }
  if (kind === 'redis' || kind === 'memcached') {
    const store = keyValueStoreFromUrl(serviceUrls[kind], { keyPrefix: names.keyPrefix });
    return { sessionStore: store, userStore: cacheUserStore({ store }), close: () => store.close() };
  }
  const database = openSqlDatabase({
    url: kind === 'sqlite' ? `sqlite:${names.sqlitePath}` : serviceUrls.postgres,
  });
  const sessionStore = sqlKeyValueStore({ database, tableName: names.sessionsTable });
  const userStore = sqlUserStore({
    database,
    tableName: names.usersTable,
    migrationTableName: names.migrationTable,
    ownsDatabase: true,
  });
  return {
    sessionStore,
    userStore,
    async close() {
      // The session store leaves the database open; the user store owns and closes it.
      await sessionStore.close();
      await userStore.close();
    },
  };
}
