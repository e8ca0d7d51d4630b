import type { Kysely } from 'kysely';
import { OPEN_INVALIDATION_CHANNEL } from '../cache/invalidation-channel.ts';
import { postgresInvalidationChannel } from '../cache/postgres-invalidation-channel.ts';
import type { SqlDatabase } from '../sql/open-sql-database.ts';
import { runMigrations } from '../sql/run-migrations.ts';
import { assertTtl, GET_NOW, type GetNowResult, type KeyValueStore } from './key-value-store.ts';
import { keyValueStatements } from './sql-key-value-statements.ts';
import {
  assertKeyValueTableName,
  DEFAULT_KEY_VALUE_TABLE,
  type KeyValueTables,
  keyValueChannelName,
  keyValueMigrations,
  sqlStoredKey,
} from './sql-key-value-table.ts';
import {
  assertOperationTimeout,
  DEFAULT_OPERATION_TIMEOUT_MS,
  type StoreOperationGuard,
  storeOperationGuard,
  storeUnavailableError,
} from './store-operation-guard.ts';

export interface SqlKeyValueStoreOptions {
  /** An `openSqlDatabase()` result (SQLite, PostgreSQL, MySQL/MariaDB); `close()` leaves it open. */
  database: SqlDatabase;
  /**
   * The table of the entries, created on first use with its own migration table
   * `<tableName>_migrations`. A plain SQL identifier of at most 47 characters.
   * @default 'ssokit_key_value'
   */
  tableName?: string;
  /**
   * How often expired rows are deleted, in milliseconds (reads ignore them in the meantime).
   * Each process that opens the store sweeps; deleting is idempotent.
   * @default 60000
   */
  sweepIntervalMs?: number;
  /**
   * Longest wait for one operation (which may be several queries) before it fails with
   * `STORE_UNAVAILABLE` (HTTP 503), on PostgreSQL and MySQL. Each query and checkout also has
   * the database's own deadline (`openSqlDatabase`'s `operationTimeoutMs`), and a stalled
   * database fails fast through the database's circuit breaker. SQLite answers
   * synchronously; its busy timeout is the database's deadline.
   * @default the database's `operationTimeoutMs` (2000)
   */
  operationTimeoutMs?: number;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  now?: () => number;
}

/** A key-value store in SQL, with a way to delete expired rows at once. */
export interface SqlKeyValueStore extends KeyValueStore {
  /** Deletes every expired row now (the timer does this every `sweepIntervalMs`); returns how many. */
  sweep(): Promise<number>;
}

// Rows deleted by one sweep statement: short transactions that never hold many row locks.
const SWEEP_BATCH = 5000;

/** True for a SQLite database that lives in this process's memory. */
function isInMemorySqlite(database: SqlDatabase): boolean {
  const path = database.displayUrl.replace(/^sqlite:(\/\/)?/, '');
  return path === ':memory:' || path.startsWith('file::memory:');
}

// SQLite runs synchronously: a deadline timer would only cost time; failures still become 503s.
function sqliteGuard(storeName: string): StoreOperationGuard {
  return async (operation) => {
    try {
      return await operation();
    } catch (error) {
      throw storeUnavailableError(storeName, error);
    }
  };
}

/**
 * The key-value contract in a SQL table (`key` primary key, `value`, `expires_at` in epoch
 * ms, indexed), so an app whose users are in SQL needs no Redis for its sessions. Each
 * operation is one statement that is atomic on its own (upserts, `DELETE ... RETURNING`), except
 * on MySQL, where `take` is a transaction with a locking read and `add` deletes an expired row
 * before inserting. Expired rows are invisible at once and deleted by a periodic sweep.
 * `shared` is true except for an in-memory SQLite database.
 */
export function sqlKeyValueStore(options: SqlKeyValueStoreOptions): SqlKeyValueStore {
  const { database } = options;
  if (typeof database !== 'object' || database === null || typeof database.db !== 'object') {
    throw new TypeError('sqlKeyValueStore: database must be an openSqlDatabase() result');
  }
  const tableName = options.tableName ?? DEFAULT_KEY_VALUE_TABLE;
  assertKeyValueTableName(tableName);
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  assertOperationTimeout(sweepIntervalMs, 'sqlKeyValueStore: sweepIntervalMs');
  const timeoutMs = options.operationTimeoutMs ?? database.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  assertOperationTimeout(timeoutMs, 'sqlKeyValueStore: operationTimeoutMs');
  const now = options.now ?? Date.now;
  const { dialect } = database;
  const storeName = `sql store ${database.displayUrl}`;
  // The database's own breaker (one per pool, shared by everything on it) sees every query;
  // a second one here would count each stalled operation twice.
  const guarded =
    dialect === 'sqlite'
      ? sqliteGuard(storeName)
      : storeOperationGuard({ storeName, timeoutMs, circuitBreaker: false });
  const statements = keyValueStatements(
    database.db as Kysely<KeyValueTables>,
    dialect,
    tableName,
    database.readNow,
  );

  // Migrate once; a failure (database down) is forgotten so the next call tries again.
  let migrated = false;
  let migrating: Promise<void> | undefined;
  const migrate = (): Promise<void> => {
    migrating ??= runMigrations(
      database.db as Kysely<unknown>,
      keyValueMigrations(tableName, dialect),
      `${tableName}_migrations`,
    ).then(
      () => {
        migrated = true;
      },
      (error: unknown) => {
        migrating = undefined;
        throw error;
      },
    );
    return migrating;
  };
  // The table check costs nothing once done: the hot path is the one query.
  const guard = <T>(operation: () => Promise<T>): Promise<T> =>
    guarded(migrated ? operation : () => migrate().then(operation));
  const expiresAt = (ttlSeconds: number) => now() + Math.ceil(ttlSeconds * 1000);

  const sweep = async (): Promise<number> => {
    let deleted = 0;
    for (;;) {
      const at = now();
      const batch = await guard(() => statements.sweep(at, SWEEP_BATCH));
      deleted += batch;
      if (batch < SWEEP_BATCH) return deleted;
    }
  };
  let sweeping: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    // A database that is down fails the operations, which report it; the sweep just waits.
    sweeping ??= sweep()
      .catch(() => undefined)
      .finally(() => {
        sweeping = undefined;
      });
  }, sweepIntervalMs);
  // The sweep must never keep a process alive that has nothing else to do.
  timer.unref();

  const get = async (key: string): Promise<string | undefined> => {
    const stored = sqlStoredKey(key);
    return guard(() => statements.get(stored, now()));
  };
  // SQLite: the session read of every request answers at once, without Kysely's async path
  // (measured in bench/: about 50k of a request's 740k instructions).
  const { getNow } = statements;
  const getNowMethod =
    getNow === undefined
      ? {}
      : {
          [GET_NOW](key: string): GetNowResult {
            if (!migrated) return get(key);
            try {
              return getNow(sqlStoredKey(key), now());
            } catch (error) {
              throw storeUnavailableError(storeName, error);
            }
          },
        };

  // PostgreSQL: the table's trigger tells read caches of every change (LISTEN/NOTIFY).
  const { dedicatedClient } = database;
  const channelMethod =
    dialect !== 'postgres' || dedicatedClient === undefined
      ? {}
      : {
          [OPEN_INVALIDATION_CHANNEL]() {
            // The trigger comes with the table's migrations: run them before listening.
            void migrate().catch(() => undefined);
            return postgresInvalidationChannel({
              // Named after its channel, so an administrator can tell which backend listens.
              connect: () => dedicatedClient(keyValueChannelName(tableName)),
              channelName: keyValueChannelName(tableName),
              cacheKey: sqlStoredKey,
            });
          },
        };

  return {
    shared: !(dialect === 'sqlite' && isInMemorySqlite(database)),
    get,
    ...getNowMethod,
    ...channelMethod,
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      const stored = sqlStoredKey(key);
      await guard(() => statements.set(stored, value, expiresAt(ttlSeconds)));
    },
    async add(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      const stored = sqlStoredKey(key);
      return guard(() => statements.add(stored, value, expiresAt(ttlSeconds), now()));
    },
    async take(key) {
      const stored = sqlStoredKey(key);
      return guard(() => statements.take(stored, now()));
    },
    async delete(key) {
      const stored = sqlStoredKey(key);
      await guard(() => statements.delete(stored));
    },
    async increment(key, ttlSeconds) {
      assertTtl(ttlSeconds);
      const stored = sqlStoredKey(key);
      return guard(() => statements.increment(stored, expiresAt(ttlSeconds), now()));
    },
    async decrement(key) {
      const stored = sqlStoredKey(key);
      return guard(() => statements.decrement(stored, now()));
    },
    sweep,
    async close() {
      clearInterval(timer);
      // Let a running sweep finish: the caller may close the database right after.
      await sweeping;
    },
  };
}
