import type { SqlDialectName } from '@ssokit/stores';
import type { Kysely, Migration } from 'kysely';

/** Every auth token handed out: which client got it, for which account, from which sign-in. */
export const CLIENT_SIGN_INS_TABLE = 'ssokit_provider_client_sign_ins';
/** Logout notices waiting to be delivered (the outbox), written with the change that causes them. */
export const LOGOUT_OUTBOX_TABLE = 'ssokit_provider_logout_outbox';

export interface ClientSignInRow {
  /** SHA-256 hex of the auth token: the client computes the same from the token it received. */
  auth_digest: string;
  api_key: string;
  user_id: number;
  /** Digest of the provider session's token for "continue as"; null for a sign-in with the form. */
  provider_session: string | null;
  /** Epoch milliseconds (bigint: PostgreSQL hands it back as text). */
  issued_at: number | string;
}

export interface LogoutOutboxRow {
  /** Random, unique: the client treats a notice it has seen as done (idempotent delivery). */
  notice_id: string;
  api_key: string;
  user_id: number;
  /** The sign-in to end (its auth token digest); null: every session of the account. */
  auth_digest: string | null;
  /** Why: `provider-logout`, `deactivated`, `removed`, `password-changed`, `admin-logout`. */
  reason: string;
  created_at: number | string;
  attempts: number;
  /** Epoch ms before which nobody sends it: the retry's backoff, or a sender's claim. */
  next_attempt_at: number | string;
}

export interface LogoutSchema {
  ssokit_provider_client_sign_ins: ClientSignInRow;
  ssokit_provider_logout_outbox: LogoutOutboxRow;
}

/**
 * The single-logout tables. Names are descriptive so migrations of other features can be
 * numbered beside them without clashing.
 */
export function logoutMigrations(_dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0003-single-logout-client-sign-ins': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable(CLIENT_SIGN_INS_TABLE)
          .ifNotExists()
          .addColumn('auth_digest', 'varchar(64)', (column) => column.primaryKey())
          .addColumn('api_key', 'varchar(64)', (column) => column.notNull())
          .addColumn('user_id', 'integer', (column) => column.notNull())
          .addColumn('provider_session', 'varchar(64)')
          .addColumn('issued_at', 'bigint', (column) => column.notNull())
          .execute();
        await db.schema
          .createIndex('ssokit_provider_client_sign_ins_user')
          .on(CLIENT_SIGN_INS_TABLE)
          .column('user_id')
          .execute();
        await db.schema
          .createIndex('ssokit_provider_client_sign_ins_session')
          .on(CLIENT_SIGN_INS_TABLE)
          .column('provider_session')
          .execute();
        await db.schema
          .createIndex('ssokit_provider_client_sign_ins_issued')
          .on(CLIENT_SIGN_INS_TABLE)
          .column('issued_at')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable(CLIENT_SIGN_INS_TABLE).ifExists().execute();
      },
    },
    '0004-single-logout-notice-outbox': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable(LOGOUT_OUTBOX_TABLE)
          .ifNotExists()
          .addColumn('notice_id', 'varchar(32)', (column) => column.primaryKey())
          .addColumn('api_key', 'varchar(64)', (column) => column.notNull())
          .addColumn('user_id', 'integer', (column) => column.notNull())
          .addColumn('auth_digest', 'varchar(64)')
          .addColumn('reason', 'varchar(32)', (column) => column.notNull())
          .addColumn('created_at', 'bigint', (column) => column.notNull())
          .addColumn('attempts', 'integer', (column) => column.notNull())
          .addColumn('next_attempt_at', 'bigint', (column) => column.notNull())
          .execute();
        await db.schema
          .createIndex('ssokit_provider_logout_outbox_due')
          .on(LOGOUT_OUTBOX_TABLE)
          .column('next_attempt_at')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable(LOGOUT_OUTBOX_TABLE).ifExists().execute();
      },
    },
  };
}
