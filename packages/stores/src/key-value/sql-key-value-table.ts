import { createHash } from 'node:crypto';
import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialectName } from '../sql/open-sql-database.ts';

/** The table `sqlKeyValueStore` keeps its entries in, unless told otherwise. */
export const DEFAULT_KEY_VALUE_TABLE = 'ssokit_key_value';

/**
 * Longest key stored as it is, in UTF-8 bytes: the key column is `varchar(255)` (PostgreSQL)
 * or `varbinary(255)` (MySQL). ssokit's own keys stay well below (a client session key is 79
 * bytes, a provider key at most about 180 with a 100-character prefix), so they stay readable
 * in the table; longer keys are hashed.
 */
export const SQL_MAX_PLAIN_KEY_BYTES = 255;

// Marks a hashed key. A caller key that itself starts with the marker is hashed too, so a raw
// key can never be mistaken for the hash of another one.
const HASH_MARKER = 'sha256:';

// Leaves room for the `_migrations_lock` suffix within PostgreSQL's 63-byte identifiers.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,46}$/;

/** A row as the drivers see it; `value` is text on SQLite, bytes on PostgreSQL and MySQL. */
export interface KeyValueRow {
  key: string;
  value: string | Buffer;
  expires_at: number;
}

export type KeyValueTables = Record<string, KeyValueRow>;

/** Refuses a table name that is not a plain SQL identifier (it is spliced into SQL). */
export function assertKeyValueTableName(tableName: string): void {
  if (typeof tableName !== 'string' || !TABLE_NAME.test(tableName)) {
    throw new TypeError(
      `sqlKeyValueStore: tableName must be a plain SQL identifier of at most 47 characters, got ${String(tableName)}`,
    );
  }
}

/**
 * The key as stored. Keys up to 255 UTF-8 bytes without NUL (which PostgreSQL text cannot
 * hold) are kept as they are; any other key becomes `'sha256:' + base64url(SHA-256)`.
 */
export function sqlStoredKey(key: string): string {
  if (
    // Three bytes per UTF-16 unit at most: most keys are decided without measuring.
    (key.length * 3 <= SQL_MAX_PLAIN_KEY_BYTES || Buffer.byteLength(key) <= SQL_MAX_PLAIN_KEY_BYTES) &&
    !key.startsWith(HASH_MARKER) &&
    !key.includes('\u0000')
  ) {
    return key;
  }
  return `${HASH_MARKER}${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}

/**
 * The table, per dialect. Values are bytes on PostgreSQL because its text type cannot hold
 * NUL, which the contract allows in values; on MySQL because a `longblob` compares and stores
 * exactly, where `text` is limited to 64 kB. Keys are `varbinary` on MySQL: MariaDB's
 * `utf8mb4_bin` ignores trailing spaces, which would make `"a"` and `"a "` one key.
 */
export function keyValueMigrations(tableName: string, dialect: SqlDialectName): Record<string, Migration> {
  const types = {
    sqlite: { key: 'text', value: 'text', expiresAt: 'integer' },
    postgres: { key: 'varchar(255)', value: 'bytea', expiresAt: 'bigint' },
    // Kysely knows no `longblob`: named as raw SQL.
    mysql: { key: 'varbinary(255)', value: sql`longblob`, expiresAt: 'bigint' },
  } as const;
  const { key, value, expiresAt } = types[dialect];
  return {
    '0001_create_key_value': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable(tableName)
          .addColumn('key', key, (column) => column.primaryKey())
          .addColumn('value', value, (column) => column.notNull())
          // Epoch milliseconds: the same number on every dialect, compared without time zones.
          .addColumn('expires_at', expiresAt, (column) => column.notNull())
          .execute();
        // For the sweep; reads go by primary key.
        await db.schema.createIndex(`${tableName}_expires_at`).on(tableName).column('expires_at').execute();
      },
    },
    // PostgreSQL tells every change of a row to the read caches of other processes (LISTEN
    // on `keyValueChannelName`), in the transaction of the change: writes of the store, the
    // sweep and changes made by hand alike. Other dialects have no such channel.
    ...(dialect === 'postgres'
      ? {
          '0002_notify_changes': {
            async up(db: Kysely<unknown>) {
              // One function for every table (the channel is the trigger's argument), so
              // dropping a table leaves nothing behind. Created once per database; a second
              // migration of another table at the same moment finds it made.
              await sql`
                do $do$ begin
                  if to_regproc('ssokit_kv_notify') is null then
                    create function ssokit_kv_notify() returns trigger language plpgsql as $$
                    begin
                      if tg_op = 'DELETE' then
                        perform pg_notify(tg_argv[0], old.key);
                      else
                        perform pg_notify(tg_argv[0], new.key);
                        if tg_op = 'UPDATE' and old.key <> new.key then
                          perform pg_notify(tg_argv[0], old.key);
                        end if;
                      end if;
                      return null;
                    end $$;
                  end if;
                exception when unique_violation or duplicate_function then null;
                end $do$`.execute(db);
              await sql`
                create trigger ${sql.id(`${tableName}_notify`)}
                after insert or update or delete on ${sql.table(tableName)}
                for each row execute function ssokit_kv_notify(${sql.lit(keyValueChannelName(tableName))})`.execute(
                db,
              );
            },
          } satisfies Migration,
        }
      : {}),
  };
}

/** The PostgreSQL channel the table's trigger notifies with the key of each changed row. */
export function keyValueChannelName(tableName: string): string {
  return `ssokit_kv_${tableName}`;
}
