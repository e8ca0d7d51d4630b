import type { SqlDialectName } from '@ssokit/stores';
import { type Kysely, type Migration, sql } from 'kysely';
import { type LogoutSchema, logoutMigrations } from '../logout/logout-schema.ts';
import { sessionIndexMigrations } from '../sessions/session-index.ts';

/** Each package keeps its own migration table so several can share one database. */
export const PROVIDER_MIGRATION_TABLE = 'ssokit_provider_migrations';
export const USERS_TABLE = 'ssokit_provider_users';

/**
 * A row as the drivers hand it back. Flags come back as 0/1 from SQLite and MariaDB and as
 * booleans from PostgreSQL; dates are stored as ISO 8601 text so every dialect sorts and
 * reads them the same way without driver-specific date handling.
 */
export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: number | boolean;
  is_active: number | boolean;
  is_superuser: number | boolean;
  last_login: string | null;
  date_joined: string;
  /** JSON array. */
  groups_json: string;
}

export interface ProviderSchema extends LogoutSchema {
  ssokit_provider_users: UserRow;
}

/** The provider's migrations; the id column is the one thing that differs by dialect. */
export function providerMigrations(dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0001-users': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable(USERS_TABLE)
          .ifNotExists()
          .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (column) =>
            dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
          )
          // 150 characters, as Django's username field.
          .addColumn('username', 'varchar(150)', (column) => column.notNull().unique())
          .addColumn('password_hash', 'varchar(255)', (column) => column.notNull())
          .addColumn('first_name', 'varchar(150)', (column) => column.notNull().defaultTo(''))
          .addColumn('last_name', 'varchar(150)', (column) => column.notNull().defaultTo(''))
          .addColumn('email', 'varchar(254)', (column) => column.notNull().defaultTo(''))
          .addColumn('is_staff', 'boolean', (column) => column.notNull().defaultTo(sql`false`))
          .addColumn('is_active', 'boolean', (column) => column.notNull().defaultTo(sql`true`))
          .addColumn('is_superuser', 'boolean', (column) => column.notNull().defaultTo(sql`false`))
          .addColumn('last_login', 'varchar(32)')
          .addColumn('date_joined', 'varchar(32)', (column) => column.notNull())
          .addColumn('groups_json', 'text', (column) => column.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable(USERS_TABLE).ifExists().execute();
      },
    },
    // SQLite and PostgreSQL compare text exactly; MySQL and MariaDB compare with the column's
    // collation, by default case-insensitive (`MBF1` found `mbf1`, and could not be added
    // beside it). A binary collation makes the lookup and the unique index case-sensitive, as
    // Django's usernames are. It still ignores trailing spaces (PAD SPACE), which no valid
    // username has; the account store compares the found name exactly as well.
    '0002-usernames-compare-exactly': {
      async up(db: Kysely<unknown>) {
        if (dialect !== 'mysql') return;
        await sql`alter table ${sql.table(USERS_TABLE)} modify ${sql.ref('username')}
          varchar(150) character set utf8mb4 collate utf8mb4_bin not null`.execute(db);
      },
    },
    ...sessionIndexMigrations(dialect),
    ...logoutMigrations(dialect),
  };
}
