import { rmSync } from 'node:fs';
import { openSqlDatabase } from '@ssokit/stores';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { type ClientStoreKind, type ClientStoreNames, serviceUrls } from './client-stores.ts';

/** Deletes every Redis key under a prefix, in batches (SCAN, never KEYS). */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(serviceUrls.redis, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * Removes what a scenario left behind: the run's SQL tables (users, sessions and their
 * migration tables) or SQLite file, the run's Redis keys. Memcached cannot list keys: its
 * scenarios log out (which deletes the session and the user) and the rest expires.
 */
export async function dropClientStores(kind: ClientStoreKind, names: ClientStoreNames): Promise<void> {
  if (kind === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${names.sqlitePath}${suffix}`, { force: true });
  } else if (kind === 'postgres') {
    const database = openSqlDatabase({ url: serviceUrls.postgres });
    try {
      const sessionsMigrations = `${names.sessionsTable}_migrations`;
      for (const table of [
        names.usersTable,
        names.migrationTable,
        `${names.migrationTable}_lock`,
        names.sessionsTable,
        sessionsMigrations,
        `${sessionsMigrations}_lock`,
      ]) {
        await sql`drop table if exists ${sql.table(table)}`.execute(database.db);
      }
    } finally {
      await database.close();
    }
  } else if (kind === 'redis') {
    await deleteRedisPrefix(names.keyPrefix);
  }
}
