import { setTimeout as delay } from 'node:timers/promises';
import { type Kysely, type Migration, Migrator, PostgresAdapter, sql } from 'kysely';

// Kysely's migration lock is a no-op on SQLite: two connections starting together (the
// provider and its admin CLI on one file) both try to apply the same migration and the later
// one fails ("table already exists", or SQLITE_BUSY). SQLite migrations run in a transaction,
// so the failed attempt left nothing behind; trying again finds the work done.
const SQLITE_ATTEMPTS = 5;

function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * The PostgreSQL schema new tables go to (the first of `search_path` that exists). Kysely's
 * migrator looks for its tables in every schema unless told which: an app in schema `b`
 * would take the migration table of another app in schema `a` for its own, skip creating it
 * and then fail on the missing table.
 */
async function postgresSchema(db: Kysely<unknown>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

/**
 * Brings a schema up to date. Each package keeps its own migration table so the client and
 * the provider can share one database without stepping on each other. Safe to call from
 * several processes at once: PostgreSQL and MySQL serialize through Kysely's lock, SQLite by
 * retrying (see above).
 */
export async function runMigrations(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  migrationTableName: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    migrationTableSchema: await postgresSchema(db),
    migrationTableName,
    migrationLockTableName: `${migrationTableName}_lock`,
    provider: { getMigrations: async () => migrations },
  });
  for (let attempt = 1; ; attempt++) {
    const { error } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (attempt < SQLITE_ATTEMPTS && isSqliteError(error)) {
      await delay(50 * attempt);
      continue;
    }
    throw error instanceof Error ? error : new Error(String(error));
  }
}
