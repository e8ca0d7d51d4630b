import { runMigrations, type SqlDatabase } from '@ssokit/stores';
import { type Kysely, type Migration, sql } from 'kysely';
import { MAX_USER_ID_LENGTH, MAX_USERNAME_LENGTH, type SsoUserId, type SsoUserRecord } from './sso-user.ts';
import type { UserStore } from './user-store.ts';

export interface SqlUserStoreOptions {
  /** An `openSqlDatabase()` result: SQLite, PostgreSQL or MySQL/MariaDB. */
  database: SqlDatabase;
  /**
   * The users table (the original's `djssoclient_ssouser`).
   * @default 'ssokit_sso_users'
   */
  tableName?: string;
  /**
   * This package's own migration table, so client and provider can share a database.
   * @default 'ssokit_client_migrations'
   */
  migrationTableName?: string;
  /**
   * Whether `close()` also closes the database (true when the client opened it from a URL).
   * @default false
   */
  ownsDatabase?: boolean;
}

interface UserRow {
  id: string;
  username: string;
  extras: string;
  last_login: string | null;
  updated_at: string;
}
type UserTables = Record<string, UserRow>;

const SQL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const INTEGER_ID = /^-?(0|[1-9][0-9]{0,15})$/;

function usersTableMigration(tableName: string, dialect: SqlDatabase['dialect']): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let create = db.schema
        .createTable(tableName)
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
        .addColumn('username', 'varchar(50)', (column) => column.notNull().unique())
        .addColumn('extras', 'text', (column) => column.notNull())
        // ISO 8601 text: the same value on every dialect, no driver time zone conversions.
        .addColumn('last_login', 'varchar(32)')
        .addColumn('updated_at', 'varchar(32)', (column) => column.notNull());
      // MariaDB may default to latin1, which cannot hold every username a provider sends.
      if (dialect === 'mysql') create = create.modifyEnd(sql`character set utf8mb4 collate utf8mb4_bin`);
      await create.execute();
    },
  };
}

// Ids are text in SQL; dj-sso-server's integer ids come back as numbers.
function idFromColumn(text: string): SsoUserId {
  return INTEGER_ID.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/**
 * Users in a SQL table (the original's default `SSOUserDBStorage`), one row per provider id,
 * usernames unique, other attributes as JSON text. The table is created on first use.
 */
export function sqlUserStore(options: SqlUserStoreOptions): UserStore {
  const tableName = options.tableName ?? 'ssokit_sso_users';
  const migrationTableName = options.migrationTableName ?? 'ssokit_client_migrations';
  for (const [option, name] of [
    ['tableName', tableName],
    ['migrationTableName', migrationTableName],
  ]) {
    if (!SQL_NAME.test(name as string)) throw new TypeError(`${option} must be a plain SQL identifier`);
  }
  const { dialect } = options.database;
  const db = options.database.db as Kysely<UserTables>;

  let ready: Promise<void> | undefined;
  // Migrate once; a failure (database down) is forgotten so the next call tries again.
  const migrated = (): Promise<void> => {
    ready ??= runMigrations(
      options.database.db as Kysely<unknown>,
      {
        '0001_create_sso_users': usersTableMigration(tableName, dialect),
      },
      migrationTableName,
    ).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  return {
    async save(user) {
      // SQLite ignores varchar lengths: check here so every dialect refuses the same rows.
      if (user.username.length > MAX_USERNAME_LENGTH || String(user.id).length > MAX_USER_ID_LENGTH) {
        throw new RangeError(
          `a user needs a username of at most ${MAX_USERNAME_LENGTH} and an id of at most ${MAX_USER_ID_LENGTH} characters`,
        );
      }
      await migrated();
      const now = new Date().toISOString();
      const row: UserRow = {
        id: String(user.id),
        username: user.username,
        extras: JSON.stringify(user.extras),
        last_login: now,
        updated_at: now,
      };
      const changes = { username: row.username, extras: row.extras, last_login: now, updated_at: now };
      await db.transaction().execute(async (trx) => {
        // The provider renamed or reassigned this username: the other row is stale.
        await trx
          .deleteFrom(tableName)
          .where('username', '=', row.username)
          .where('id', '!=', row.id)
          .execute();
        const insert = trx.insertInto(tableName).values(row);
        await (dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate(changes)
          : insert.onConflict((conflict) => conflict.column('id').doUpdateSet(changes))
        ).execute();
      });
    },
    async get(id) {
      await migrated();
      const row = await db
        .selectFrom(tableName)
        .select(['id', 'username', 'extras'])
        .where('id', '=', String(id))
        .executeTakeFirst();
      if (row === undefined) return undefined;
      let extras: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(row.extras);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          extras = parsed as Record<string, unknown>;
        }
      } catch {
        // A row edited by hand into invalid JSON still yields the user, without extras.
      }
      return { id: idFromColumn(row.id), username: row.username, extras } satisfies SsoUserRecord;
    },
    async delete(id) {
      await migrated();
      await db.deleteFrom(tableName).where('id', '=', String(id)).execute();
    },
    async close() {
      if (options.ownsDatabase === true) await options.database.close();
    },
  };
}
