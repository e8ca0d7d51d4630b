import type { SqlDatabase } from '@ssokit/stores';
import { type Kysely, sql } from 'kysely';
import { seededUser } from './seed-format.ts';

// The provider's accounts table (packages/provider/src/accounts/account-schema.ts, not exported).
export const PROVIDER_USERS_TABLE = 'ssokit_provider_users';
const SQLITE_INDEXES_PER_INSERT = 1000;
export const POSTGRES_ROWS_PER_INSERT = 100_000;

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

/** The rows of seeded items `from`..`to-1`, 1,000 items an INSERT, in one transaction. */
export async function insertInBatches(
  database: SqlDatabase<unknown>,
  table: string,
  from: number,
  to: number,
  rowsOf: (index: number) => Array<Record<string, unknown>>,
): Promise<void> {
  const db = database.db as unknown as AnyDb;
  await db.transaction().execute(async (trx) => {
    for (let start = from; start < to; start += SQLITE_INDEXES_PER_INSERT) {
      const rows = [];
      for (let index = start; index < Math.min(to, start + SQLITE_INDEXES_PER_INSERT); index++)
        rows.push(...rowsOf(index));
      await trx.insertInto(table).values(rows).execute();
    }
  });
}

/**
 * Adds client users `from`..`to-1` to ssokit's users table (created by `sqlUserStore`). SQLite:
 * multi-row INSERTs of 1,000 in one transaction; PostgreSQL: `INSERT … SELECT` over
 * `generate_series`, 100,000 rows a statement (the server builds the rows, as COPY would).
 */
export async function seedClientUsers(
  database: SqlDatabase<unknown>,
  table: string,
  from: number,
  to: number,
): Promise<void> {
  const now = new Date().toISOString();
  if (database.dialect === 'postgres') {
    const extras = JSON.stringify(seededUser(0).extras);
    for (let start = from; start < to; start += POSTGRES_ROWS_PER_INSERT) {
      const end = Math.min(to, start + POSTGRES_ROWS_PER_INSERT) - 1;
      await sql`insert into ${sql.table(table)} (id, username, extras, last_login, updated_at)
        select (10000000 + g)::text, 'grow-user-' || g, ${extras}, ${now}, ${now}
        from generate_series(${start}::int, ${end}::int) as g`.execute(database.db);
    }
    return;
  }
  await insertInBatches(database, table, from, to, (index) => {
    const user = seededUser(index);
    return [
      {
        id: String(user.id),
        username: user.username,
        extras: JSON.stringify(user.extras),
        last_login: now,
        updated_at: now,
      },
    ];
  });
}

/** Adds provider accounts `grow-user-<i>` (one shared argon2 hash) to the provider's table. */
export async function seedProviderAccounts(
  database: SqlDatabase<unknown>,
  passwordHash: string,
  from: number,
  to: number,
): Promise<void> {
  const joined = new Date().toISOString();
  if (database.dialect === 'postgres') {
    for (let start = from; start < to; start += POSTGRES_ROWS_PER_INSERT) {
      const end = Math.min(to, start + POSTGRES_ROWS_PER_INSERT) - 1;
      await sql`insert into ${sql.table(PROVIDER_USERS_TABLE)}
        (username, password_hash, first_name, last_name, email, is_staff, is_active, is_superuser, date_joined, groups_json)
        select 'grow-user-' || g, ${passwordHash}, 'Grow', 'User ' || g, 'grow-user-' || g || '@example.com',
          false, true, false, ${joined}, '[]'
        from generate_series(${start}::int, ${end}::int) as g`.execute(database.db);
    }
    return;
  }
  await insertInBatches(database, PROVIDER_USERS_TABLE, from, to, (index) => [
    {
      username: `grow-user-${index}`,
      password_hash: passwordHash,
      first_name: 'Grow',
      last_name: `User ${index}`,
      email: `grow-user-${index}@example.com`,
      // better-sqlite3 takes no booleans; SQLite keeps them as 0/1 anyway.
      is_staff: 0,
      is_active: 1,
      is_superuser: 0,
      date_joined: joined,
      groups_json: '[]',
    },
  ]);
}

/**
 * Brings a database just seeded in bulk to the state of one that grew over time, so that
 * what is measured next is the store, not the seeding. SQLite: the seeding's WAL (some 700 MB
 * for 1M sessions) is checkpointed into the file and truncated; left there, every read would
 * search its index and the app's first write would copy it all back, as a multi-second
 * stall in the measured logins (a database that grows a row at a time checkpoints every
 * 1,000 pages). PostgreSQL: `VACUUM ANALYZE` of the seeded tables, which autovacuum would
 * otherwise start in the middle of a measurement. Returns a warning when SQLite could not
 * checkpoint everything (a reader held on), else undefined.
 */
export async function settleAfterSeeding(
  database: SqlDatabase<unknown>,
  tables: readonly string[],
): Promise<string | undefined> {
  if (database.dialect === 'sqlite') {
    const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(database.db);
    return rows[0]?.busy === 0
      ? undefined
      : `SQLite ${database.displayUrl}: the WAL could not be checkpointed`;
  }
  if (database.dialect === 'postgres') {
    for (const table of tables) await sql`vacuum analyze ${sql.table(table)}`.execute(database.db);
  }
  return undefined;
}
