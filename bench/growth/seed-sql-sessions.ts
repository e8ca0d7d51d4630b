import { SQL_MAX_PLAIN_KEY_BYTES, type SqlDatabase, sqlKeyValueStore } from '@ssokit/stores';
import { type RawBuilder, sql } from 'kysely';
import {
  checkSeededSession,
  newSeedSalt,
  SEEDED_ID_BASE,
  SESSION_KEY_PREFIX,
  seededSessionEntries,
  seededSessionValue,
  seededUser,
} from './seed-format.ts';
import { insertInBatches, POSTGRES_ROWS_PER_INSERT } from './seed-sql.ts';

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

// A user number whose digits appear nowhere else in a session's JSON: marks where the number goes.
const MARKER_INDEX = 987_654_321;

/**
 * `seededSessionValue` of user `g` as a SQL expression: the JSON of a marker user, cut where
 * its number and id appear, joined again around `g` and `SEEDED_ID_BASE + g`. The one
 * definition of a seeded user serves both sides; the read-back check compares the text.
 */
function sessionValueInSql(expiresAt: number): RawBuilder<string> {
  const markerId = String(seededUser(MARKER_INDEX).id);
  const parts = seededSessionValue(seededUser(MARKER_INDEX), expiresAt).split(
    new RegExp(`(${markerId}|${MARKER_INDEX})`),
  );
  return sql.join(
    parts.map((part, i) => {
      if (i % 2 === 0) return sql`${part}::text`;
      return part === markerId ? sql`(${sql.lit(SEEDED_ID_BASE)} + seeded.g)::text` : sql`seeded.g::text`;
    }),
    sql` || `,
  );
}

/**
 * PostgreSQL builds the rows itself: `INSERT … SELECT` over `generate_series`, 100,000
 * sessions a statement, with the token, its SHA-256 and the JSON made as `seededSessionEntries`
 * makes them (`sha256()`, base64url by `translate`).
 */
async function insertInPostgres(
  database: SqlDatabase<unknown>,
  table: string,
  salt: string,
  from: number,
  to: number,
  expiresAt: number,
): Promise<void> {
  const value = sessionValueInSql(expiresAt);
  for (let start = from; start < to; start += POSTGRES_ROWS_PER_INSERT) {
    const end = Math.min(to, start + POSTGRES_ROWS_PER_INSERT) - 1;
    await sql`insert into ${sql.table(table)} (key, value, expires_at)
      select entry.key, convert_to(entry.value, 'UTF8'), ${expiresAt}::bigint
      from (
        select g, encode(sha256(convert_to(
          translate(encode(sha256(convert_to(${salt}::text || g, 'UTF8')), 'base64'), '+/=', '-_'),
          'UTF8')), 'hex') as session_id
        from generate_series(${start}::int, ${end}::int) as g
      ) as seeded
      cross join lateral (values
        (${SESSION_KEY_PREFIX}::text || seeded.session_id, ${value})
      ) as entry(key, value)`.execute(database.db);
  }
}

/**
 * Adds the sessions of client users `from`..`to-1` (the entries Redis gets, minus the cached
 * user) to the client's session table, in the rows `sqlKeyValueStore`
 * reads: `key` as stored, `value` as text (SQLite) or UTF-8 bytes (PostgreSQL), `expires_at`
 * in epoch ms. SQLite: multi-row INSERTs of 1,000 sessions in one transaction; PostgreSQL:
 * rows built by the server. The store creates the table first, as on the client's first use;
 * the first session's rows are then read back and compared with what `seededSessionEntries`
 * makes, and the session is read through `SessionManager`.
 */
export async function seedClientSessions(
  database: SqlDatabase<unknown>,
  table: string,
  from: number,
  to: number,
): Promise<void> {
  if (to <= from) return;
  const store = sqlKeyValueStore({ database: database as SqlDatabase, tableName: table });
  try {
    await store.get('seeding: the table exists');
    const salt = newSeedSalt();
    const now = Date.now();
    const first = seededSessionEntries(salt, from, now, false);
    if (database.dialect === 'postgres') {
      await insertInPostgres(database, table, salt, from, to, first.expiresAt);
    } else {
      await insertInBatches(database, table, from, to, (index) => {
        const { entries, expiresAt } = seededSessionEntries(salt, index, now, false);
        return entries.map(([key, value]) => ({ key: plainStoredKey(key), value, expires_at: expiresAt }));
      });
    }
    for (const [key, value] of first.entries) {
      if ((await store.get(plainStoredKey(key))) !== value) {
        throw new Error(`seeded SQL row ${key.slice(0, 24)}… differs from what the seeding meant to write`);
      }
    }
    await checkSeededSession(store, first.token, from);
  } finally {
    await store.close();
  }
}
