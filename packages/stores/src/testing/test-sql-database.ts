import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Generated, Kysely, Migration } from 'kysely';
import { isUniqueViolation } from '../sql/is-unique-violation.ts';
import { openSqlDatabase, type SqlDatabase } from '../sql/open-sql-database.ts';
import { runMigrations } from '../sql/run-migrations.ts';

export interface TestSqlDatabaseOptions {
  /** Skips the whole suite, with this reason (e.g. from `skipUnlessServiceRuns`). @default false */
  skip?: string | boolean;
}

interface ItemTable {
  id: number;
  name: string;
  hits: Generated<number>;
  note: string | null;
}
type ConformanceDatabase = Record<string, ItemTable>;

/**
 * A unique, SQL-safe name for tables and prefixes of one test run (lower case, under 30
 * characters), so suites of parallel runs on one shared database never collide.
 */
export function uniqueTestName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

function itemMigrations(table: string): Record<string, Migration> {
  return {
    '0001_create_items': {
      async up(db) {
        await db.schema
          .createTable(table)
          .addColumn('id', 'integer', (column) => column.primaryKey())
          .addColumn('name', 'varchar(191)', (column) => column.notNull().unique())
          .addColumn('hits', 'integer', (column) => column.notNull().defaultTo(0))
          .addColumn('note', 'text')
          .execute();
      },
    },
    '0002_index_hits': {
      async up(db) {
        await db.schema.createIndex(`${table}_hits`).on(table).column('hits').execute();
      },
    },
  };
}

async function dropTables(database: SqlDatabase, tables: string[]): Promise<void> {
  for (const table of tables) await database.db.schema.dropTable(table).ifExists().execute();
}

/**
 * The conformance suite for a SQL database URL: `openSqlDatabase` picks the dialect,
 * `runMigrations` is idempotent when run twice and safe when two connections run it at once,
 * rows round-trip (4-byte unicode and NULL included) and a duplicate key is recognised by
 * `isUniqueViolation`. The client and provider stores run it for each URL they support:
 *
 * ```ts
 * testSqlDatabase('postgres', testServiceUrls.postgres, { skip: await skipUnlessServiceRuns('postgres') });
 * ```
 *
 * Tables get random names and are dropped at the end. For SQLite pass a file URL: the
 * two-connection check is skipped for `:memory:`, which a second connection cannot see.
 */
export function testSqlDatabase(name: string, url: string, options: TestSqlDatabaseOptions = {}): void {
  describe(`${name} SQL database`, { skip: options.skip ?? false }, () => {
    const items = uniqueTestName('conformance_items');
    const racedItems = uniqueTestName('conformance_raced');
    const migrationTable = `${items}_migrations`;
    const racedMigrationTable = `${racedItems}_migrations`;
    const inMemory = /(^|:)(\/\/)?:memory:$/.test(url);
    let database: SqlDatabase;
    let db: Kysely<ConformanceDatabase>;

    before(async () => {
      database = openSqlDatabase({ url });
      db = database.db as unknown as Kysely<ConformanceDatabase>;
      // Every later test needs the schema, even when run alone with --test-name-pattern.
      await runMigrations(database.db, itemMigrations(items), migrationTable);
    });
    after(async () => {
      if (database === undefined) return;
      await dropTables(database, [
        items,
        migrationTable,
        `${migrationTable}_lock`,
        racedItems,
        racedMigrationTable,
        `${racedMigrationTable}_lock`,
      ]);
      await database.close();
    });

    it('openSqlDatabase() picks the dialect from the URL and hides the password in displayUrl', () => {
      const expected = /^postgres/.test(url)
        ? 'postgres'
        : /^(mysql|mariadb):/.test(url)
          ? 'mysql'
          : 'sqlite';
      assert.equal(database.dialect, expected);
      const password = /\/\/[^:/@]*:([^@]+)@/.exec(url)?.[1];
      if (password !== undefined) assert.ok(!database.displayUrl.includes(password));
    });

    it('runMigrations() creates the schema, and running it again changes nothing', async () => {
      await runMigrations(database.db, itemMigrations(items), migrationTable);
      const applied = await db.selectFrom(migrationTable).selectAll().execute();
      assert.equal(applied.length, 2);
      const rows = await db.selectFrom(items).selectAll().execute();
      assert.deepEqual(rows, []);
    });

    it('runMigrations() from two connections at once applies each migration exactly once', async (t) => {
      if (inMemory) {
        t.skip('a second connection cannot see an in-memory SQLite database');
        return;
      }
      const second = openSqlDatabase({ url });
      try {
        await Promise.all([
          runMigrations(database.db, itemMigrations(racedItems), racedMigrationTable),
          runMigrations(second.db, itemMigrations(racedItems), racedMigrationTable),
        ]);
        const applied = await db.selectFrom(racedMigrationTable).selectAll().execute();
        assert.equal(applied.length, 2);
        await db.insertInto(racedItems).values({ id: 1, name: 'raced' }).execute();
      } finally {
        await second.close();
      }
    });

    it('a row round-trips through insert, select and update, unicode and NULL included', async () => {
      const note = 'Zoë 日本語 🔐 — "quoted" \'single\' \\ backslash';
      await db.insertInto(items).values({ id: 1, name: 'alice', note }).execute();
      await db.insertInto(items).values({ id: 2, name: 'bob', note: null }).execute();
      const alice = await db.selectFrom(items).selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
      assert.deepEqual({ ...alice }, { id: 1, name: 'alice', hits: 0, note });
      await db
        .updateTable(items)
        .set((eb) => ({ hits: eb('hits', '+', 5) }))
        .where('name', '=', 'bob')
        .execute();
      const bob = await db.selectFrom(items).selectAll().where('name', '=', 'bob').executeTakeFirstOrThrow();
      assert.deepEqual({ ...bob }, { id: 2, name: 'bob', hits: 5, note: null });
    });

    it('isUniqueViolation() recognises a duplicate unique column and a duplicate primary key', async () => {
      await db.insertInto(items).values({ id: 10, name: 'carol' }).execute();
      const duplicateName = await db
        .insertInto(items)
        .values({ id: 11, name: 'carol' })
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(duplicateName instanceof Error, 'a duplicate name is refused');
      assert.equal(isUniqueViolation(duplicateName), true);
      assert.equal(isUniqueViolation(new Error('wrapped', { cause: duplicateName })), true);
      const duplicateId = await db
        .insertInto(items)
        .values({ id: 10, name: 'dave' })
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(duplicateId instanceof Error, 'a duplicate primary key is refused');
      assert.equal(isUniqueViolation(duplicateId), true);
    });

    it('isUniqueViolation() is false for other failures', async () => {
      const missingColumn = await db
        .insertInto(items)
        .values({ id: 20, name: null as unknown as string })
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(missingColumn instanceof Error, 'a NULL in a NOT NULL column is refused');
      assert.equal(isUniqueViolation(missingColumn), false);
      const missingTable = await db
        .selectFrom(`${items}_absent`)
        .selectAll()
        .execute()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(missingTable instanceof Error, 'an absent table is an error');
      assert.equal(isUniqueViolation(missingTable), false);
      assert.equal(isUniqueViolation(new Error('duplicate')), false);
      assert.equal(isUniqueViolation(undefined), false);
    });
  });
}
