import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  type CachedKeyValueStore,
  cachedKeyValueStore,
  GET_NOW,
  type KeyValueStore,
  keyValueStoreFromUrl,
  openSqlDatabase,
} from '../src/index.ts';
import {
  eventually,
  skipUnlessServiceRuns,
  tcpProxy,
  testServiceUrls,
  uniqueTestName,
} from '../src/testing/index.ts';

const memcachedUrl = `memcached://${testServiceUrls.memcached}`;

interface Case {
  name: 'redis' | 'postgres' | 'memcached' | 'mysql';
  url: string;
  told: boolean;
}
const cases: Case[] = [
  { name: 'redis', url: testServiceUrls.redis, told: true },
  { name: 'postgres', url: testServiceUrls.postgres, told: true },
  { name: 'memcached', url: memcachedUrl, told: false },
  { name: 'mysql', url: testServiceUrls.mysql, told: false },
];

/** Drops a test's key-value table and its migration tables (PostgreSQL, MariaDB). */
async function dropTable(url: string, prefix: string): Promise<void> {
  if (!/^(postgres|mysql)/.test(url)) return;
  const database = openSqlDatabase({ url });
  const table = prefix.replace(/\W/g, '_');
  try {
    for (const name of [table, `${table}_migrations`, `${table}_migrations_lock`]) {
      await database.db.schema.dropTable(name).ifExists().execute();
    }
  } finally {
    await database.close();
  }
}

function open(url: string, prefix: string): KeyValueStore {
  return keyValueStoreFromUrl(url, { keyPrefix: prefix, sql: { tableName: prefix.replace(/\W/g, '_') } });
}

const readNow = (store: CachedKeyValueStore, key: string) => store[GET_NOW](key);

/**
 * Reads until the value comes from memory. The notice of the write that made it may arrive
 * after the first read began, which then is not kept: a later read fills the cache.
 */
async function cachedSoon(store: CachedKeyValueStore, key: string, value: string): Promise<void> {
  await eventually(
    async () => {
      const now = readNow(store, key);
      if (now === value) return true;
      await now;
      return false;
    },
    1000,
    `${key} is cached`,
    10,
  );
}

for (const { name, url, told } of cases) {
  describe(`read cache on ${name}`, { skip: await skipUnlessServiceRuns(name) }, () => {
    const prefix = uniqueTestName(`rc_${name}`);
    const writer = open(url, prefix);
    const reader = cachedKeyValueStore({ store: open(url, prefix), ownsStore: true });
    after(async () => {
      await reader.close();
      await writer.close();
      await dropTable(url, prefix);
    });

    it('answers a repeated read from memory, without a promise', async () => {
      await writer.set('a', 'one', 60);
      await eventually(() => reader.caching, 5000, 'the channel is up');
      assert.equal(await reader.get('a'), 'one');
      await cachedSoon(reader, 'a', 'one');
      assert.equal(reader.told, told);
    });

    it('sees a key deleted by another process within 1 s', async () => {
      await writer.set('b', 'two', 60);
      await cachedSoon(reader, 'b', 'two');
      await writer.delete('b');
      await eventually(async () => (await reader.get('b')) === undefined, 1000, 'the deletion is seen');
    });

    it('sees a key deleted by hand (redis-cli, SQL) within 1 s', { skip: !told }, async () => {
      await writer.set('h', 'by hand', 60);
      await cachedSoon(reader, 'h', 'by hand');
      if (name === 'redis') {
        const admin = new Redis(url);
        await admin.del(`${prefix}h`);
        admin.disconnect();
      } else {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`delete from "${prefix.replace(/\W/g, '_')}" where key = 'h'`);
        await admin.end();
      }
      await eventually(async () => (await reader.get('h')) === undefined, 1000, 'the deletion is seen');
    });

    it('sees a key changed by another process within 1 s', async () => {
      await writer.set('c', 'old', 60);
      await reader.get('c');
      await writer.set('c', 'new', 60);
      await eventually(async () => (await reader.get('c')) === 'new', 1000, 'the change is seen');
    });

    it('never grows past its bound under a flood of distinct keys', async () => {
      const small = cachedKeyValueStore({ store: open(url, prefix), ownsStore: true, maxEntries: 50 });
      try {
        await eventually(() => small.caching, 5000, 'the channel is up');
        for (let i = 0; i < 20; i++) {
          await Promise.all(
            Array.from({ length: 20 }, () => small.get(`flood:${randomBytes(16).toString('hex')}`)),
          );
          assert.ok(small.size <= 50, `size ${small.size}`);
        }
        assert.ok(small.size > 0);
      } finally {
        await small.close();
      }
    });
  });
}

describe('read cache on redis through a connection that is cut', {
  skip: await skipUnlessServiceRuns('redis'),
}, () => {
  const target = new URL(testServiceUrls.redis);
  const proxy = tcpProxy({ host: target.hostname, port: Number(target.port) || 6379 });
  const prefix = uniqueTestName('rc_redis_cut');
  let reader: CachedKeyValueStore;
  const writer = open(testServiceUrls.redis, prefix);
  after(async () => {
    await reader?.close();
    await writer.close();
    await proxy.stop();
  });

  it('empties the cache when the channel is lost and misses no change made meanwhile', async () => {
    await proxy.start();
    reader = cachedKeyValueStore({
      store: open(`redis://127.0.0.1:${proxy.port}`, prefix),
      ownsStore: true,
    });
    await writer.set('s', 'live', 60);
    await eventually(() => reader.caching, 5000, 'the channel is up');
    await cachedSoon(reader, 's', 'live');
    await proxy.stop();
    await writer.delete('s');
    await eventually(() => !reader.caching, 1000, 'the loss is noticed');
    assert.equal(reader.size, 0);
    await proxy.start();
    await eventually(async () => (await reader.get('s').catch(() => 'failed')) === undefined, 10_000, 'back');
    await eventually(() => reader.caching, 10_000, 'the channel is up again');
    await writer.set('t', 'again', 60);
    await cachedSoon(reader, 't', 'again');
    await writer.delete('t');
    await eventually(async () => (await reader.get('t')) === undefined, 1000, 'told again');
  });
});

describe('read cache on postgres whose LISTEN backend is terminated', {
  skip: await skipUnlessServiceRuns('postgres'),
}, () => {
  const prefix = uniqueTestName('rc_pg_kill');
  const writer = open(testServiceUrls.postgres, prefix);
  const reader = cachedKeyValueStore({ store: open(testServiceUrls.postgres, prefix), ownsStore: true });
  const admin = new pg.Client({ connectionString: testServiceUrls.postgres });
  after(async () => {
    await reader.close();
    await writer.close();
    await admin.end();
    await dropTable(testServiceUrls.postgres, prefix);
  });

  it('empties the cache, refills, and misses no change', async () => {
    await admin.connect();
    await writer.set('s', 'live', 60);
    await eventually(() => reader.caching, 5000, 'the channel is up');
    await cachedSoon(reader, 's', 'live');
    // Only the backend listening on this test's own channel: it names itself after it.
    const listeners = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1',
      [`ssokit_kv_${prefix.replace(/\W/g, '_')}`],
    );
    assert.equal(listeners.rows.length, 1, 'one LISTEN backend of this test');
    await admin.query('select pg_terminate_backend($1)', [listeners.rows[0]?.pid]);
    await writer.delete('s');
    await eventually(async () => (await reader.get('s')) === undefined, 1000, 'the deletion is seen');
    await eventually(() => reader.caching, 10_000, 'the channel is up again');
    await writer.set('t', 'again', 60);
    await cachedSoon(reader, 't', 'again');
    await writer.delete('t');
    await eventually(async () => (await reader.get('t')) === undefined, 1000, 'told again');
  });
});
