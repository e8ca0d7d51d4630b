import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientStoreNames } from './client-stores.ts';

/**
 * Names no other run or test suite uses at the same time on the shared Redis, Memcached and
 * PostgreSQL: process id plus a random part.
 */
export function uniqueStoreNames(label: string): ClientStoreNames & { id: string } {
  const id = `${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.replace(
    /[^A-Za-z0-9_]/g,
    '_',
  );
  return {
    id,
    keyPrefix: `bench:${id}:`,
    usersTable: `bench_${id}_users`,
    migrationTable: `bench_${id}_migrations`,
    // At most 47 characters (sqlKeyValueStore's limit): the longest label leaves room.
    sessionsTable: `bench_${id}_sessions`,
    sqlitePath: join(tmpdir(), `ssokit-bench-${id}.sqlite`),
  };
}
