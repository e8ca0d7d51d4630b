import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { skipUnlessServiceRuns, testServiceUrls } from '../testing/test-services.ts';
import { uniqueTestName } from '../testing/test-sql-database.ts';
import { openSqlDatabase } from './open-sql-database.ts';
import { runMigrations } from './run-migrations.ts';

const migrations = {
  '0001_create_notes': {
    async up(db: Parameters<typeof runMigrations>[0]) {
      await db.schema
        .createTable('notes')
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .execute();
    },
  },
};

describe('runMigrations() on PostgreSQL', { skip: await skipUnlessServiceRuns('postgres') }, () => {
  const schemas = [uniqueTestName('schema_a'), uniqueTestName('schema_b')];
  const admin = openSqlDatabase({ url: testServiceUrls.postgres });
  after(async () => {
    for (const schema of schemas)
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  });

  it('keeps apps in two schemas of one database apart, with the same table names', async () => {
    for (const schema of schemas) {
      await sql`create schema ${sql.id(schema)}`.execute(admin.db);
      const url = new URL(testServiceUrls.postgres);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const database = openSqlDatabase({ url: url.href });
      try {
        await runMigrations(database.db, migrations, 'notes_migrations');
        await runMigrations(database.db, migrations, 'notes_migrations');
      } finally {
        await database.close();
      }
    }
    const { rows } = await sql<{ schema: string; table: string }>`
      select table_schema as schema, table_name as table from information_schema.tables
      where table_schema in (${sql.join(schemas)}) order by table_schema, table_name`.execute(admin.db);
    assert.deepEqual(
      rows.map((row) => `${row.schema}.${row.table}`),
      schemas.flatMap((schema) => [
        `${schema}.notes`,
        `${schema}.notes_migrations`,
        `${schema}.notes_migrations_lock`,
      ]),
    );
  });
});
