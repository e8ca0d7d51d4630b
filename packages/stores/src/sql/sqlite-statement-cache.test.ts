import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { openSqlDatabase } from './open-sql-database.ts';
import { withStatementCache } from './sqlite-statement-cache.ts';

function countingDatabase() {
  const sqlite = new Sqlite(':memory:');
  const prepared: string[] = [];
  const prepare = sqlite.prepare.bind(sqlite);
  const counting = {
    prepare: (text: string) => {
      prepared.push(text);
      return prepare(text);
    },
    close: () => sqlite.close(),
  };
  return { sqlite, prepared, counting };
}

describe('the SQLite statement cache', () => {
  it('prepares each SQL text once and answers repeated queries from the same statement', () => {
    const { prepared, counting } = countingDatabase();
    const cached = withStatementCache(counting);
    cached.prepare('create table t (n integer)').run([]);
    const insert = cached.prepare('insert into t (n) values (?)');
    insert.run([1]);
    assert.equal(cached.prepare('insert into t (n) values (?)'), insert);
    cached.prepare('insert into t (n) values (?)').run([2]);
    assert.deepEqual(cached.prepare('select n from t order by n').all([]), [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(cached.prepare('select n from t order by n').all([]), [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(prepared, [
      'create table t (n integer)',
      'insert into t (n) values (?)',
      'select n from t order by n',
    ]);
    cached.close();
  });

  it('forgets the least recently used statement beyond its bound', () => {
    const { prepared, counting } = countingDatabase();
    const cached = withStatementCache(counting, 2);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // now most recent: 'select 2' is the oldest
    cached.prepare('select 3'); // evicts 'select 2'
    cached.prepare('select 1');
    cached.prepare('select 2');
    assert.deepEqual(prepared, ['select 1', 'select 2', 'select 3', 'select 2']);
    cached.close();
  });

  it('hands out a fresh statement while the cached one is busy in an unfinished iterate()', () => {
    const { counting } = countingDatabase();
    const cached = withStatementCache(counting);
    cached.prepare('create table t (n integer)').run([]);
    for (const n of [1, 2, 3]) cached.prepare('insert into t (n) values (?)').run([n]);
    const text = 'select n from t where n >= ? order by n';
    const outer = cached.prepare(text).iterate([1]);
    assert.deepEqual(outer.next().value, { n: 1 });
    // Reusing the busy statement would throw "This statement is busy executing a query".
    assert.deepEqual(cached.prepare(text).all([2]), [{ n: 2 }, { n: 3 }]);
    assert.deepEqual([...outer], [{ n: 2 }, { n: 3 }]);
    cached.close();
  });

  it('binds short and long parameter lists alike (arguments up to 1000, one array beyond)', () => {
    const { counting } = countingDatabase();
    const cached = withStatementCache(counting);
    cached.prepare('create table t (n integer, s text, b blob)').run([]);
    cached.prepare('insert into t (n, s, b) values (?, ?, ?)').run([1, 'one', Buffer.from('x')]);
    cached.prepare('insert into t (n, s, b) values (?, ?, ?)').run([2, null, null]);
    assert.deepEqual(cached.prepare('select n, s from t order by n').all([]), [
      { n: 1, s: 'one' },
      { n: 2, s: null },
    ]);
    for (const count of [1000, 1001, 5000]) {
      const wanted = Array.from({ length: count }, (_, i) => i + 1);
      const inList = `select n from t where n in (${wanted.map(() => '?').join(', ')}) order by n`;
      assert.deepEqual(cached.prepare(inList).all(wanted), [{ n: 1 }, { n: 2 }], `${count} parameters`);
      assert.deepEqual([...cached.prepare(inList).iterate(wanted)], [{ n: 1 }, { n: 2 }]);
    }
    cached.close();
  });

  it('keeps a cached statement working after the table it reads is altered', () => {
    const { counting } = countingDatabase();
    const cached = withStatementCache(counting);
    cached.prepare('create table t (n integer)').run([]);
    cached.prepare('insert into t (n) values (?)').run([7]);
    assert.deepEqual(cached.prepare('select * from t').all([]), [{ n: 7 }]);
    cached.prepare('alter table t add column m integer default 0').run([]);
    assert.deepEqual(cached.prepare('select * from t').all([]), [{ n: 7, m: 0 }]);
    cached.close();
  });

  it('serves Kysely queries, streams and transactions on a database opened from a sqlite: URL', async () => {
    const database = openSqlDatabase<{ items: { id: number; name: string } }>({ url: ':memory:' });
    const { db } = database;
    await sql`create table items (id integer primary key, name text not null)`.execute(db);
    for (let id = 1; id <= 5; id++)
      await db
        .insertInto('items')
        .values({ id, name: `item ${id}` })
        .execute();
    const names: string[] = [];
    for await (const row of db
      .selectFrom('items')
      .select('name')
      .where('id', '<=', 3)
      .orderBy('id')
      .stream()) {
      names.push(row.name);
    }
    assert.deepEqual(names, ['item 1', 'item 2', 'item 3']);
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('items').set({ name: 'renamed' }).where('id', '=', 2).execute();
    });
    const row = await db.selectFrom('items').select('name').where('id', '=', 2).executeTakeFirst();
    assert.equal(row?.name, 'renamed');
    await database.close();
  });

  it('is what a plain Kysely SqliteDialect accepts as its database', async () => {
    const { counting, prepared } = countingDatabase();
    const db = new Kysely<{ t: { n: number } }>({
      dialect: new SqliteDialect({ database: withStatementCache(counting) }),
    });
    await sql`create table t (n integer)`.execute(db);
    for (let n = 0; n < 10; n++) await db.insertInto('t').values({ n }).execute();
    const rows = await db.selectFrom('t').select('n').where('n', '>', 7).execute();
    assert.deepEqual(rows, [{ n: 8 }, { n: 9 }]);
    assert.equal(prepared.filter((text) => text.startsWith('insert')).length, 1);
    await db.destroy();
  });
});
