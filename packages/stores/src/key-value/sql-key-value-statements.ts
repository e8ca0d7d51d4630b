import { type Kysely, sql } from 'kysely';
import { isUniqueViolation } from '../sql/is-unique-violation.ts';
import type { SqlDatabase, SqlDialectName } from '../sql/open-sql-database.ts';
import type { KeyValueRow, KeyValueTables } from './sql-key-value-table.ts';

/**
 * The SQL behind each key-value operation, on stored keys and epoch-millisecond times. An
 * expired row may still be in the table until the sweep removes it: every statement treats
 * it as absent.
 */
export interface KeyValueStatements {
  get(key: string, now: number): Promise<string | undefined>;
  /** `get` run synchronously, when the database can (SQLite's `readNow`). */
  getNow?(key: string, now: number): string | undefined;
  set(key: string, value: string, expiresAt: number): Promise<void>;
  add(key: string, value: string, expiresAt: number, now: number): Promise<boolean>;
  take(key: string, now: number): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  increment(key: string, expiresAt: number, now: number): Promise<number>;
  decrement(key: string, now: number): Promise<number>;
  /** Deletes up to `limit` expired rows; returns how many it deleted. */
  sweep(now: number, limit: number): Promise<number>;
}

/** The statements for a dialect, over one table created by `keyValueMigrations`. */
export function keyValueStatements(
  db: Kysely<KeyValueTables>,
  dialect: SqlDialectName,
  table: string,
  readNow?: SqlDatabase['readNow'],
): KeyValueStatements {
  // PostgreSQL takes bytes for a bytea column; MySQL stores a string's UTF-8 in a blob.
  const encode =
    dialect === 'postgres' ? (value: string) => Buffer.from(value, 'utf8') : (value: string) => value;
  const decode = (value: string | Buffer): string =>
    typeof value === 'string' ? value : value.toString('utf8');
  const current = sql.ref(`${table}.expires_at`);
  const currentValue = sql.ref(`${table}.value`);

  // The read of every authenticated request: built and compiled once, run with fresh
  // parameters. Building and compiling a Kysely query costs more than SQLite's lookup itself.
  const getQuery = db
    .selectFrom(table)
    .select('value')
    .where('key', '=', '')
    .where('expires_at', '>', 0)
    .compile();
  const get = async (key: string, now: number) => {
    const { rows } = await db.executeQuery<Pick<KeyValueRow, 'value'>>({
      ...getQuery,
      parameters: [key, now],
    });
    const row = rows[0];
    return row === undefined ? undefined : decode(row.value);
  };
  const getNow =
    readNow === undefined
      ? undefined
      : (key: string, now: number) => {
          const row = readNow<Pick<KeyValueRow, 'value'>>({ ...getQuery, parameters: [key, now] })[0];
          return row === undefined ? undefined : decode(row.value);
        };
  const deleteKey = async (key: string) => {
    await db.deleteFrom(table).where('key', '=', key).execute();
  };

  if (dialect === 'mysql') {
    return {
      get,
      delete: deleteKey,
      async set(key, value, expiresAt) {
        await db
          .insertInto(table)
          .values({ key, value, expires_at: expiresAt })
          .onDuplicateKeyUpdate({
            value: sql`values(${sql.ref('value')})`,
            expires_at: sql`values(${sql.ref('expires_at')})`,
          })
          .execute();
      },
      // Two statements, each atomic: an expired row is removed, then the insert either wins
      // or finds a live row another caller wrote (duplicate key). A live row is never deleted.
      async add(key, value, expiresAt, now) {
        await db.deleteFrom(table).where('key', '=', key).where('expires_at', '<=', now).execute();
        try {
          await db.insertInto(table).values({ key, value, expires_at: expiresAt }).execute();
          return true;
        } catch (error) {
          if (isUniqueViolation(error)) return false;
          throw error;
        }
      },
      // MySQL has no DELETE ... RETURNING: the locking read makes concurrent takers of one
      // key wait for each other, and only the first still finds the row.
      async take(key, now) {
        return db.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom(table)
            .select('value')
            .where('key', '=', key)
            .where('expires_at', '>', now)
            .forUpdate()
            .executeTakeFirst();
          if (row === undefined) return undefined;
          await trx.deleteFrom(table).where('key', '=', key).execute();
          return decode(row.value);
        });
      },
      // One atomic statement. MySQL evaluates the assignments left to right, so `value` is
      // computed while `expires_at` is still the old one. LAST_INSERT_ID(n) hands the new
      // count back in the reply (MySQL's documented sequence idiom); a fresh row reports no
      // insert id, and its count is 1.
      async increment(key, expiresAt, now) {
        const result =
          await sql`insert into ${sql.table(table)} (${sql.ref('key')}, ${sql.ref('value')}, ${sql.ref('expires_at')})
          values (${key}, '1', ${expiresAt})
          on duplicate key update
            ${sql.ref('value')} = if(${sql.ref('expires_at')} <= ${now}, last_insert_id(1), last_insert_id(${sql.ref('value')} + 1)),
            ${sql.ref('expires_at')} = if(${sql.ref('expires_at')} <= ${now}, values(${sql.ref('expires_at')}), ${sql.ref('expires_at')})`.execute(
            db,
          );
        return result.insertId === undefined ? 1 : Number(result.insertId);
      },
      // One atomic statement; LAST_INSERT_ID(n) hands the new count back as in `increment`. A
      // row that is absent, expired or at zero is left alone, and the answer is 0.
      async decrement(key, now) {
        const result = await sql`update ${sql.table(table)}
          set ${sql.ref('value')} = last_insert_id(cast(${sql.ref('value')} as signed) - 1)
          where ${sql.ref('key')} = ${key} and ${sql.ref('expires_at')} > ${now}
            and cast(${sql.ref('value')} as signed) > 0`.execute(db);
        if (Number(result.numAffectedRows ?? 0) === 0) return 0;
        return Number(result.insertId ?? 0);
      },
      async sweep(now, limit) {
        const result = await db
          .deleteFrom(table)
          .where('expires_at', '<=', now)
          .limit(limit)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      },
    };
  }

  // SQLite (3.35 or later) and PostgreSQL: upserts and DELETE ... RETURNING make every
  // operation one atomic statement. On PostgreSQL a conflicting upsert locks the row and
  // re-checks its WHERE on the newest version, so concurrent callers see each other's writes.
  const increased =
    dialect === 'postgres'
      ? sql`convert_to((convert_from(${currentValue}, 'UTF8')::bigint + 1)::text, 'UTF8')`
      : sql`cast(cast(${currentValue} as integer) + 1 as text)`;
  const asCount =
    dialect === 'postgres'
      ? sql<number>`convert_from(${currentValue}, 'UTF8')::bigint`
      : sql<number>`cast(${currentValue} as integer)`;
  const decreased =
    dialect === 'postgres'
      ? sql<Buffer>`convert_to((convert_from(${currentValue}, 'UTF8')::bigint - 1)::text, 'UTF8')`
      : sql<string>`cast(cast(${currentValue} as integer) - 1 as text)`;
  return {
    get,
    ...(getNow === undefined ? {} : { getNow }),
    delete: deleteKey,
    async set(key, value, expiresAt) {
      await db
        .insertInto(table)
        .values({ key, value: encode(value), expires_at: expiresAt })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet({
            value: sql.ref('excluded.value'),
            expires_at: sql.ref('excluded.expires_at'),
          }),
        )
        .execute();
    },
    async add(key, value, expiresAt, now) {
      const result = await db
        .insertInto(table)
        .values({ key, value: encode(value), expires_at: expiresAt })
        .onConflict((conflict) =>
          conflict
            .column('key')
            .doUpdateSet({ value: sql.ref('excluded.value'), expires_at: sql.ref('excluded.expires_at') })
            .where(current, '<=', now),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async take(key, now) {
      const row = await db
        .deleteFrom(table)
        .where('key', '=', key)
        .where('expires_at', '>', now)
        .returning('value')
        .executeTakeFirst();
      return row === undefined ? undefined : decode(row.value);
    },
    async increment(key, expiresAt, now) {
      const row = await db
        .insertInto(table)
        .values({ key, value: encode('1'), expires_at: expiresAt })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet({
            value: sql`case when ${current} <= ${now} then excluded.value else ${increased} end`,
            expires_at: sql`case when ${current} <= ${now} then excluded.expires_at else ${current} end`,
          }),
        )
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(decode(row.value));
    },
    async decrement(key, now) {
      const row = await db
        .updateTable(table)
        .set({ value: decreased })
        .where('key', '=', key)
        .where('expires_at', '>', now)
        .where(asCount, '>', 0)
        .returning('value')
        .executeTakeFirst();
      return row === undefined ? 0 : Number(decode(row.value));
    },
    async sweep(now, limit) {
      const result = await db
        .deleteFrom(table)
        .where('key', 'in', (eb) =>
          eb.selectFrom(table).select('key').where('expires_at', '<=', now).limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
