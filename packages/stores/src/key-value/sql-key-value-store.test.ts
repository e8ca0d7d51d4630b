import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isSsoError } from '@ssokit/protocol';
import type { Kysely } from 'kysely';
import { openSqlDatabase, type SqlDatabase } from '../sql/open-sql-database.ts';
import { eventually } from '../testing/eventually.ts';
import { skipUnlessServiceRuns, testServiceUrls } from '../testing/test-services.ts';
import { uniqueTestName } from '../testing/test-sql-database.ts';
import { getNowOf } from './key-value-store.ts';
import { sqlKeyValueStore } from './sql-key-value-store.ts';
import type { KeyValueTables } from './sql-key-value-table.ts';

const folder = mkdtempSync(join(tmpdir(), 'ssokit-sql-kv-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const postgresSkip = await skipUnlessServiceRuns('postgres');
const databases: { name: string; url: string; skip: string | false }[] = [
  { name: 'sqlite file', url: `sqlite:${join(folder, 'kv.sqlite')}`, skip: false },
  { name: 'postgres', url: testServiceUrls.postgres, skip: postgresSkip },
  { name: 'mariadb', url: testServiceUrls.mysql, skip: await skipUnlessServiceRuns('mysql') },
];

for (const { name, url, skip } of databases) {
  describe(`sqlKeyValueStore on ${name}`, { skip }, () => {
    const tableName = uniqueTestName('kv');
    // Two connections (pools) to one database, as two processes of one app would have.
    let first: SqlDatabase;
    let second: SqlDatabase;
    let clock = Date.now();
    const now = () => clock;

    const rowCount = async () => {
      const db = first.db as Kysely<KeyValueTables>;
      const row = await db
        .selectFrom(tableName)
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('rows'))
        .executeTakeFirstOrThrow();
      return Number(row.rows);
    };

    before(() => {
      first = openSqlDatabase({ url });
      second = openSqlDatabase({ url });
    });
    after(async () => {
      if (first === undefined) return;
      for (const table of [tableName, `${tableName}_migrations`, `${tableName}_migrations_lock`]) {
        await first.db.schema.dropTable(table).ifExists().execute();
      }
      await first.close();
      await second.close();
    });

    it('holds take() and add() atomic across two connections, 30 keys raced at once', async () => {
      const a = sqlKeyValueStore({ database: first, tableName });
      const b = sqlKeyValueStore({ database: second, tableName });
      const keys = Array.from({ length: 30 }, (_, i) => `race:${i}`);
      await Promise.all(keys.map((key) => a.set(key, `value of ${key}`, 60)));
      const takes = await Promise.all(
        keys.map((key) => Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).take(key)))),
      );
      for (const [i, results] of takes.entries()) {
        assert.deepEqual(
          results.filter((value) => value !== undefined),
          [`value of race:${i}`],
        );
      }
      const adds = await Promise.all(
        keys.map((key) =>
          Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).add(key, `adder ${i}`, 60))),
        ),
      );
      for (const [i, results] of adds.entries()) {
        const winners = results.flatMap((added, adder) => (added ? [adder] : []));
        assert.equal(winners.length, 1, `one add wins on race:${i}`);
        assert.equal(await b.get(`race:${i}`), `adder ${winners[0]}`);
      }
      await a.close();
      await b.close();
    });

    it('lets exactly one of several concurrent add() calls replace an expired row', async () => {
      const a = sqlKeyValueStore({ database: first, tableName, now });
      const b = sqlKeyValueStore({ database: second, tableName, now });
      const keys = Array.from({ length: 20 }, (_, i) => `expired:${i}`);
      await Promise.all(keys.map((key) => a.set(key, 'old', 1)));
      clock += 2000;
      const adds = await Promise.all(
        keys.map((key) =>
          Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).add(key, `new ${i}`, 60))),
        ),
      );
      for (const [i, results] of adds.entries()) {
        const winners = results.flatMap((added, adder) => (added ? [adder] : []));
        assert.equal(winners.length, 1, `one add replaces expired:${i}`);
        assert.equal(await a.get(`expired:${i}`), `new ${winners[0]}`);
      }
      await a.close();
      await b.close();
    });

    it('restarts an expired counter at 1 with a fresh TTL, once among concurrent increments', async () => {
      const a = sqlKeyValueStore({ database: first, tableName, now });
      const b = sqlKeyValueStore({ database: second, tableName, now });
      for (let i = 0; i < 3; i++) await a.increment('counter', 1);
      clock += 2000;
      const counts = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).increment('counter', 60)),
      );
      assert.deepEqual(
        [...counts].sort((x, y) => x - y),
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      clock += 30_000;
      assert.equal(await a.get('counter'), '10', 'the fresh TTL of 60 s holds');
      await a.close();
      await b.close();
    });

    it('hides expired rows at once and sweep() deletes them, in batches, leaving live ones', async () => {
      const store = sqlKeyValueStore({ database: first, tableName, now });
      await store.sweep();
      const before = await rowCount();
      await store.set('sweep:live', 'stays', 3600);
      await store.set('sweep:short', 'goes', 1);
      // More expired rows than one sweep statement deletes (5000), written in one insert.
      const db = first.db as Kysely<KeyValueTables>;
      const value = first.dialect === 'postgres' ? Buffer.from('bulk') : 'bulk';
      await db
        .insertInto(tableName)
        .values(
          Array.from({ length: 5200 }, (_, i) => ({ key: `sweep:bulk:${i}`, value, expires_at: clock - 1 })),
        )
        .execute();
      clock += 2000;
      assert.equal(await store.get('sweep:short'), undefined, 'an expired row is invisible before the sweep');
      assert.equal(await rowCount(), before + 5202);
      assert.equal(await store.sweep(), 5201);
      assert.equal(await rowCount(), before + 1);
      assert.equal(await store.get('sweep:live'), 'stays');
      await store.close();
    });

    it('sweeps by itself every sweepIntervalMs', async () => {
      const store = sqlKeyValueStore({ database: first, tableName, now, sweepIntervalMs: 20 });
      await store.set('timer:short', 'goes', 1);
      const before = await rowCount();
      clock += 2000;
      await eventually(
        async () => (await rowCount()) === before - 1,
        5000,
        'the timer swept the expired row',
      );
      await store.close();
    });

    it('is shared, and close() leaves the database it was given open', async () => {
      const store = sqlKeyValueStore({ database: first, tableName });
      assert.equal(store.shared, true);
      await store.set('close:kept', 'value', 60);
      await store.close();
      const again = sqlKeyValueStore({ database: first, tableName });
      assert.equal(await again.get('close:kept'), 'value');
      await again.close();
    });
  });
}

describe('sqlKeyValueStore synchronous get (GET_NOW)', () => {
  it('answers at once on SQLite once its table exists, with a promise before, as get() does', async () => {
    let clock = 1_800_000_000_000;
    const database = openSqlDatabase({ url: `sqlite:${join(folder, 'now.sqlite')}` });
    const store = sqlKeyValueStore({ database, now: () => clock });
    const getNow = getNowOf(store);
    assert.ok(getNow !== undefined);
    const first = getNow('k');
    assert.ok(first instanceof Promise, 'the table is created on first use, asynchronously');
    assert.equal(await first, undefined);
    await store.set('k', 'value é', 10);
    assert.equal(getNow('k'), 'value é');
    assert.equal(getNow('absent'), undefined);
    clock += 10_000;
    assert.equal(getNow('k'), undefined, 'an expired row reads as absent');
    await store.close();
    await database.close();
  });

  it('fails as a 503 STORE_UNAVAILABLE, thrown at once, when SQLite fails', async () => {
    const database = openSqlDatabase({ url: `sqlite:${join(folder, 'closed.sqlite')}` });
    const store = sqlKeyValueStore({ database });
    await store.set('k', 'v', 10);
    const getNow = getNowOf(store);
    await database.close();
    assert.throws(
      () => getNow?.('k'),
      (error: unknown) => isSsoError(error) && error.code === 'STORE_UNAVAILABLE',
    );
    await store.close();
  });

  it('is not offered on PostgreSQL, whose driver cannot answer at once', { skip: postgresSkip }, async () => {
    const database = openSqlDatabase({ url: testServiceUrls.postgres });
    const store = sqlKeyValueStore({ database });
    assert.equal(getNowOf(store), undefined);
    await store.close();
    await database.close();
  });
});

describe('sqlKeyValueStore options', () => {
  it('is per process (shared: false) on an in-memory SQLite database', async () => {
    const database = openSqlDatabase({ url: 'sqlite::memory:' });
    const store = sqlKeyValueStore({ database });
    assert.equal(store.shared, false);
    await store.close();
    await database.close();
  });

  it('refuses a table name that is not a plain identifier, a bad interval and a missing database', () => {
    const database = openSqlDatabase({ url: 'sqlite::memory:' });
    for (const tableName of [
      'kv; drop table users',
      'with space',
      '1starts_with_digit',
      'x'.repeat(48),
      '',
    ]) {
      assert.throws(
        () => sqlKeyValueStore({ database, tableName }),
        /tableName must be a plain SQL identifier/,
      );
    }
    assert.throws(() => sqlKeyValueStore({ database, sweepIntervalMs: 0 }), /sweepIntervalMs/);
    assert.throws(() => sqlKeyValueStore({ database, operationTimeoutMs: -1 }), /operationTimeoutMs/);
    assert.throws(
      () => sqlKeyValueStore({ database: undefined as unknown as SqlDatabase }),
      /database must be an openSqlDatabase\(\) result/,
    );
    return database.close();
  });
});
