/**
 * Ending every session of a user (`removeUser`, sign out everywhere) on each store the client
 * supports (memory, Redis, Memcached, SQLite, PostgreSQL, MariaDB), against the real services: many sign-ins of one user at once, then one removal,
 * and not a single session may survive it, in this process or another one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type KeyValueStore, keyValueStoreFromUrl, openSqlDatabase } from '@ssokit/stores';
import { skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '@ssokit/stores/testing';
import { sql } from 'kysely';
import { SessionManager } from '../src/session/session-manager.ts';

const folder = mkdtempSync(join(tmpdir(), 'ssokit-end-sessions-'));
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(folder, { recursive: true, force: true });
});

const carol = { id: 7, username: 'carol', extras: { email: 'carol@example.com' } };
const dave = { id: 8, username: 'dave', extras: {} };
// Short-lived: the suite runs against shared services and leaves nothing for long.
const TTL = 600;

/** A store of this run: its own key prefix, or its own table dropped at the end. */
function openStore(url: string, table: string): KeyValueStore {
  const store = keyValueStoreFromUrl(url, {
    keyPrefix: `${table}:`,
    sql: { tableName: table },
  });
  if (url.startsWith('postgres') || url.startsWith('mysql')) {
    cleanups.push(async () => {
      const admin = openSqlDatabase({ url });
      await sql`drop table if exists ${sql.table(table)}`.execute(admin.db);
      await admin.close();
    });
  }
  return store;
}

const [redisSkip, memcachedSkip, postgresSkip, mysqlSkip] = await Promise.all([
  skipUnlessServiceRuns('redis'),
  skipUnlessServiceRuns('memcached'),
  skipUnlessServiceRuns('postgres'),
  skipUnlessServiceRuns('mysql'),
]);
const stores = [
  { name: 'memory', url: 'memory:', skip: false as const, shared: false },
  { name: 'Redis', url: testServiceUrls.redis, skip: redisSkip, shared: true },
  { name: 'Memcached', url: `memcached://${testServiceUrls.memcached}`, skip: memcachedSkip, shared: true },
  { name: 'SQLite', url: `sqlite:${join(folder, 'sessions.sqlite')}`, skip: false as const, shared: true },
  { name: 'PostgreSQL', url: testServiceUrls.postgres, skip: postgresSkip, shared: true },
  { name: 'MariaDB', url: testServiceUrls.mysql, skip: mysqlSkip, shared: true },
];

for (const { name, url, skip, shared } of stores) {
  describe(`ending every session of a user, sessions in ${name}`, { skip }, () => {
    it('40 sign-ins of one user at once, then invalidateUser(): none of the 40 sessions survives', async () => {
      const table = uniqueTestName('end_sessions');
      const store = openStore(url, table);
      // A second process on the same store (or the same store when it lives in this process).
      const otherStore = shared ? openStore(url, table) : store;
      try {
        const sessions = new SessionManager({ store, ttlSeconds: TTL });
        // The other process trusts the epoch it read for epochCacheMs (1 s): its clock moves on.
        let otherClock = Date.now();
        const other = new SessionManager({ store: otherStore, ttlSeconds: TTL, now: () => otherClock });
        const created = await Promise.all(Array.from({ length: 40 }, () => sessions.create(carol)));
        const bystander = await sessions.create(dave);
        // Both processes have read every session once (and so hold what they need in memory).
        for (const { token } of created) {
          assert.equal((await sessions.read(token))?.user.id, 7);
          assert.equal((await other.read(token))?.user.id, 7);
        }
        await sessions.invalidateUser(7);
        otherClock += 1000;
        const survivors = [];
        for (const { token } of created) {
          if ((await sessions.read(token)) !== undefined) survivors.push('this process');
          if ((await other.read(token)) !== undefined && shared) survivors.push('other process');
        }
        assert.deepEqual(survivors, [], `${survivors.length} reads found a live session`);
        assert.equal((await sessions.read(bystander.token))?.user.username, 'dave');
        const after = await sessions.create(carol);
        assert.equal((await sessions.read(after.token))?.user.username, 'carol', 'a new sign-in works');
      } finally {
        await store.delete('ssokit_session:epoch:7');
        if (otherStore !== store) await otherStore.close();
        await store.close();
      }
    });

    it('120 sign-ins one after another, then invalidateUser(): none survives', async () => {
      const store = openStore(url, uniqueTestName('end_sessions'));
      try {
        const sessions = new SessionManager({ store, ttlSeconds: TTL });
        const tokens: string[] = [];
        for (let i = 0; i < 120; i++) tokens.push((await sessions.create(carol)).token);
        await sessions.invalidateUser(7);
        const reads = await Promise.all(tokens.map((token) => sessions.read(token)));
        assert.equal(reads.filter((session) => session !== undefined).length, 0);
      } finally {
        await store.delete('ssokit_session:epoch:7');
        await store.close();
      }
    });
  });
}
