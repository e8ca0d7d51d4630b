import { type Kysely, type Migration, Migrator } from 'kysely';

/**
 * Brings a schema up to date. Each package keeps its own migration table so the client and
 * the provider can share one database without stepping on each other.
 */
export async function runMigrations(
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
  migrationTableName: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    migrationTableName,
    migrationLockTableName: `${migrationTableName}_lock`,
    provider: { getMigrations: async () => migrations },
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
}
