import type { SqlDialectName } from '@ssokit/stores';
import type { Kysely, Migration } from 'kysely';

/** Its own migration table, so the audit trail's schema moves apart from the accounts'. */
export const AUDIT_MIGRATION_TABLE = 'ssokit_provider_audit_migrations';
export const AUDIT_TABLE = 'ssokit_provider_audit';

/** Column widths: longer values (a username typed into the form) are cut to fit. */
export const AUDIT_WIDTHS = {
  action: 40,
  outcome: 40,
  username: 150,
  address: 64,
  api_key: 64,
  via: 16,
  host: 255,
} as const;

/** One audit event as stored; `at` is ISO 8601 text (UTC), as the other provider tables. */
export interface AuditRow {
  id: number;
  at: string;
  action: string;
  outcome: string | null;
  username: string | null;
  address: string | null;
  api_key: string | null;
  via: string | null;
  host: string | null;
}

export interface AuditSchema {
  ssokit_provider_audit: AuditRow;
}

export function auditMigrations(dialect: SqlDialectName): Record<string, Migration> {
  // Only MySQL names the table of an index it drops (and requires it).
  const dropIndex = async (db: Kysely<unknown>, name: string) => {
    const drop = db.schema.dropIndex(name);
    await (dialect === 'mysql' ? drop.on(AUDIT_TABLE) : drop).execute();
  };
  return {
    '0001-audit': {
      async up(db: Kysely<unknown>) {
        let table = db.schema
          .createTable(AUDIT_TABLE)
          .ifNotExists()
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
            dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
          )
          .addColumn('at', 'varchar(32)', (column) => column.notNull());
        for (const [name, width] of Object.entries(AUDIT_WIDTHS)) {
          table = table.addColumn(name, `varchar(${width})`, (column) =>
            name === 'action' ? column.notNull() : column,
          );
        }
        await table.execute();
        // Pruning and `--since` read by time; `--user` by name (see 0002). (No IF NOT EXISTS: MySQL
        // has none for indexes; the migration table keeps this from running twice.)
        await db.schema.createIndex(`${AUDIT_TABLE}_at`).on(AUDIT_TABLE).column('at').execute();
        await db.schema
          .createIndex(`${AUDIT_TABLE}_username_at`)
          .on(AUDIT_TABLE)
          .columns(['username', 'at'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable(AUDIT_TABLE).ifExists().execute();
      },
    },
    // `--user` lists a user's newest events: by name, then id, the order it reads them in. Each
    // audited event inserts into this index; an id compares as one integer where `at` compared
    // 24 characters (bench/, section observability).
    '0002-audit-username-id': {
      async up(db: Kysely<unknown>) {
        await dropIndex(db, `${AUDIT_TABLE}_username_at`);
        await db.schema
          .createIndex(`${AUDIT_TABLE}_username_id`)
          .on(AUDIT_TABLE)
          .columns(['username', 'id'])
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await dropIndex(db, `${AUDIT_TABLE}_username_id`);
        await db.schema
          .createIndex(`${AUDIT_TABLE}_username_at`)
          .on(AUDIT_TABLE)
          .columns(['username', 'at'])
          .execute();
      },
    },
  };
}
