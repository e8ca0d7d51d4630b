import { SQL_MAX_PLAIN_KEY_BYTES, type SqlDatabase, sqlKeyValueStore } from '@ssokit/stores';
import { type Kysely, sql } from 'kysely';
import { checkSeededSession, seededSessionEntries, seededUser } from './seed-format.ts';

// The provider's accounts table (packages/provider/src/accounts/account-schema.ts, not exported).
const PROVIDER_USERS_TABLE = 'ssokit_provider_users';
const SQLITE_INDEXES_PER_INSERT = 1000;
const POSTGRES_ROWS_PER_INSERT = 100_000;
const POSTGRES_SESSIONS_PER_INSERT = 50_000;

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

/** The rows of seeded items `from`..`to-1`, 1,000 items an INSERT, in one transaction. */
async function insertInBatches(
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

/**
 * The key as `sqlKeyValueStore` stores it: as it is up to 255 bytes (longer ones hashed).
 * ssokit's session keys are ASCII and far shorter; a longer one means the format changed.
 */
function plainStoredKey(key: string): string {
  if (key.length > SQL_MAX_PLAIN_KEY_BYTES || key.startsWith('sha256:')) {
    throw new Error(`seeded key ${key.slice(0, 40)}… would be hashed by the SQL store: update the seeding`);
  }
  return key;
}

/**
 * Adds the sessions of client users `from`..`to-1` (session and user index, the entries Redis
 * gets) to the client's session table, in the row format `sqlKeyValueStore` reads: `key` as
 * stored, `value` as text (SQLite) or UTF-8 bytes (PostgreSQL), `expires_at` in epoch ms.
 * SQLite: multi-row INSERTs in one transaction; PostgreSQL: `INSERT … SELECT` from `unnest` of
 * two text arrays, 50,000 sessions a statement (the tokens are random, made here). The table is
 * created by the store first, as on the client's first use; one seeded session is read back
 * through SessionManager.
 */
export async function seedClientSessions(
  database: SqlDatabase<unknown>,
  table: string,
  from: number,
  to: number,
): Promise<void> {
  const store = sqlKeyValueStore({ database: database as SqlDatabase, tableName: table });
  try {
    await store.get('seeding: the table exists');
    let firstToken: string | undefined;
    const now = Date.now();
    const entriesOf = (index: number) => {
      const seeded = seededSessionEntries(index, now, false);
      firstToken ??= seeded.token;
      return seeded;
    };
    if (database.dialect === 'postgres') {
      for (let start = from; start < to; start += POSTGRES_SESSIONS_PER_INSERT) {
        const keys: string[] = [];
        const values: string[] = [];
        let expiresAt = 0;
        for (let index = start; index < Math.min(to, start + POSTGRES_SESSIONS_PER_INSERT); index++) {
          const seeded = entriesOf(index);
          expiresAt = seeded.expiresAt;
          for (const [key, value] of seeded.entries) {
            keys.push(plainStoredKey(key));
            values.push(value);
          }
        }
        await sql`insert into ${sql.table(table)} (key, value, expires_at)
          select k, convert_to(v, 'UTF8'), ${expiresAt}::bigint
          from unnest(${keys}::text[], ${values}::text[]) as r(k, v)`.execute(database.db);
      }
    } else {
      await insertInBatches(database, table, from, to, (index) => {
        const { entries, expiresAt } = entriesOf(index);
        return entries.map(([key, value]) => ({ key: plainStoredKey(key), value, expires_at: expiresAt }));
      });
    }
    if (firstToken !== undefined) await checkSeededSession(store, firstToken, from);
  } finally {
    await store.close();
  }
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
