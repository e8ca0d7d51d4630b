import type { SqlDatabase, SqlDialectName } from '@ssokit/stores';
import type { Kysely, Migration } from 'kysely';

/** Where the provider lists a user's sessions: the key-value store has no "sessions of user N". */
export const SESSION_INDEX_TABLE = 'ssokit_provider_session_index';

interface SessionIndexRow {
  /** The session's key in the key-value store is derived from this digest (never the cookie). */
  session_digest: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  address: string;
  user_agent: string;
}

interface SessionIndexSchema {
  ssokit_provider_session_index: SessionIndexRow;
}

/** One provider session as the account and admin pages show it. */
export interface IndexedSession {
  /** The digest of the session's cookie token: it names the session, it cannot be used as one. */
  id: string;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
  /** The address it signed in from. */
  address: string;
  /** The browser's User-Agent at sign-in, cut to 200 characters. */
  userAgent: string;
}

export interface SessionDetails {
  address?: string;
  userAgent?: string;
}

/**
 * The SQL side of the provider's sessions: a row per session, written beside the key-value
 * entry at sign-in and deleted with it. The per-request read never touches it.
 */
export interface SessionIndex {
  record(
    digest: string,
    userId: number,
    createdAt: number,
    expiresAt: number,
    details: SessionDetails,
  ): Promise<void>;
  forget(digest: string): Promise<void>;
  /** The live sessions of a user, newest first (expired rows are deleted on the way). */
  listForUser(userId: number, now: number): Promise<IndexedSession[]>;
  /** Every live session, newest first, at most `limit`. */
  listAll(now: number, limit: number): Promise<IndexedSession[]>;
}

/** The migration of the index table (in the provider's migration table). */
export function sessionIndexMigrations(_dialect: SqlDialectName): Record<string, Migration> {
  return {
    '0003-provider-session-index': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable(SESSION_INDEX_TABLE)
          .ifNotExists()
          .addColumn('session_digest', 'varchar(64)', (column) => column.primaryKey())
          .addColumn('user_id', 'integer', (column) => column.notNull())
          .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
          .addColumn('expires_at', 'varchar(32)', (column) => column.notNull())
          .addColumn('address', 'varchar(64)', (column) => column.notNull().defaultTo(''))
          .addColumn('user_agent', 'varchar(200)', (column) => column.notNull().defaultTo(''))
          .execute();
        await db.schema
          .createIndex(`${SESSION_INDEX_TABLE}_user`)
          .ifNotExists()
          .on(SESSION_INDEX_TABLE)
          .column('user_id')
          .execute();
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable(SESSION_INDEX_TABLE).ifExists().execute();
      },
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function toSession(row: SessionIndexRow): IndexedSession {
  return {
    id: row.session_digest,
    userId: Number(row.user_id),
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    address: row.address,
    userAgent: row.user_agent,
  };
}

export function sqlSessionIndex(database: SqlDatabase<unknown>): SessionIndex {
  const db = database.db as Kysely<SessionIndexSchema>;
  return {
    async record(digest, userId, createdAt, expiresAt, details) {
      await db
        .insertInto(SESSION_INDEX_TABLE)
        .values({
          session_digest: digest,
          user_id: userId,
          created_at: iso(createdAt),
          expires_at: iso(expiresAt),
          address: (details.address ?? '').slice(0, 64),
          user_agent: (details.userAgent ?? '').slice(0, 200),
        })
        .execute();
    },
    async forget(digest) {
      await db.deleteFrom(SESSION_INDEX_TABLE).where('session_digest', '=', digest).execute();
    },
    async listForUser(userId, now) {
      // ISO 8601 text sorts as time on every dialect.
      await db
        .deleteFrom(SESSION_INDEX_TABLE)
        .where('user_id', '=', userId)
        .where('expires_at', '<=', iso(now))
        .execute();
      const rows = await db
        .selectFrom(SESSION_INDEX_TABLE)
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toSession);
    },
    async listAll(now, limit) {
      await db.deleteFrom(SESSION_INDEX_TABLE).where('expires_at', '<=', iso(now)).execute();
      const rows = await db
        .selectFrom(SESSION_INDEX_TABLE)
        .selectAll()
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toSession);
    },
  };
}
