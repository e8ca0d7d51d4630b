import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { keyValueStoreFromUrl, memoryKeyValueStore, openSqlDatabase, type SqlDatabase } from '@ssokit/stores';
import { skipUnlessServiceRuns, testServiceUrls } from '@ssokit/stores/testing';
import { sql } from 'kysely';
import { testUserStore } from '../testing/user-store-conformance.ts';
import { cacheUserStore } from './cache-user-store.ts';
import { sqlUserStore } from './sql-user-store.ts';
import type { UserStore } from './user-store.ts';

const runId = randomBytes(4).toString('hex');

/** A SQL store on its own table, dropped (with its migration tables) when the store closes. */
function isolatedSqlStore(database: SqlDatabase, label: string): UserStore & { tableName: string } {
  const tableName = `t_users_${label}_${runId}`;
  const migrationTableName = `t_migr_${label}_${runId}`;
  const store = sqlUserStore({ database, tableName, migrationTableName });
  return {
    ...store,
    tableName,
    async close() {
      for (const table of [tableName, migrationTableName, `${migrationTableName}_lock`]) {
        await database.db.schema.dropTable(table).ifExists().execute();
      }
      await database.close();
    },
  };
}

const sqlTargets = [
  { label: 'sqlite', url: 'sqlite::memory:', skip: false as const },
  { label: 'postgres', url: testServiceUrls.postgres, skip: await skipUnlessServiceRuns('postgres') },
  { label: 'mariadb', url: testServiceUrls.mysql, skip: await skipUnlessServiceRuns('mysql') },
];

for (const target of sqlTargets) {
  testUserStore(
    `SQL on ${target.label}`,
    () => isolatedSqlStore(openSqlDatabase({ url: target.url }), target.label),
    {
      skip: target.skip,
    },
  );

  describe(`sqlUserStore() on ${target.label}`, { skip: target.skip }, () => {
    const database = openSqlDatabase({ url: target.url });
    const store = isolatedSqlStore(database, `${target.label}x`);
    after(() => store.close());
    const rowCount = async () => {
      const { rows } = await sql<{
        n: number | string;
      }>`select count(*) as n from ${sql.table(store.tableName)}`.execute(database.db);
      return Number(rows[0]?.n);
    };

    it('keeps one row for a user who signs in three times', async () => {
      for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
        await store.save({ id: 10, username: 'again', extras: { email } });
      }
      assert.equal(await rowCount(), 1);
      assert.deepEqual((await store.get(10))?.extras, { email: 'c@example.com' });
    });

    it('drops the stale row when another id takes over its username', async () => {
      await store.save({ id: 11, username: 'moved', extras: {} });
      await store.save({ id: 12, username: 'moved', extras: {} });
      assert.equal(await store.get(11), undefined);
      assert.equal(await rowCount(), 2);
    });

    it('refuses a username over 50 characters at the database too', async () => {
      await assert.rejects(store.save({ id: 13, username: 'x'.repeat(51), extras: {} }));
    });
  });
}

const redisSkip = await skipUnlessServiceRuns('redis');
testUserStore(
  'cache on Redis',
  () => {
    const kv = keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix: `t_users_${runId}:` });
    return { ...cacheUserStore({ store: kv }), close: () => kv.close() };
  },
  { skip: redisSkip },
);

const memcachedSkip = await skipUnlessServiceRuns('memcached');
testUserStore(
  'cache on Memcached',
  () => {
    const kv = keyValueStoreFromUrl(`memcached://${testServiceUrls.memcached}`, {
      keyPrefix: `t_users_${runId}:`,
    });
    return { ...cacheUserStore({ store: kv }), close: () => kv.close() };
  },
  { skip: memcachedSkip },
);

testUserStore('cache on the memory key-value store', () =>
  cacheUserStore({ store: memoryKeyValueStore(), keyPrefix: `t_${runId}_` }),
);

describe('cacheUserStore()', () => {
  it('stores the user under sso_user_<id> as JSON with the configured TTL', async () => {
    const writes: [string, string, number][] = [];
    const kv = memoryKeyValueStore();
    const spy = {
      ...kv,
      set: async (key: string, value: string, ttl: number) => void writes.push([key, value, ttl]),
    };
    await cacheUserStore({ store: spy, ttlSeconds: 60 }).save({ id: 1, username: 'user1', extras: { a: 1 } });
    assert.deepEqual(writes, [['sso_user_1', '{"id":1,"username":"user1","extras":{"a":1}}', 60]]);
    await kv.close();
  });

  it('reads an unreadable entry as no user instead of failing', async () => {
    const kv = memoryKeyValueStore();
    await kv.set('sso_user_1', 'not json', 60);
    await kv.set('sso_user_2', '[1,2]', 60);
    const store = cacheUserStore({ store: kv });
    assert.equal(await store.get(1), undefined);
    assert.equal(await store.get(2), undefined);
    await kv.close();
  });
});
