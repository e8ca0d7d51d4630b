export {
  type AddApiKeyInput,
  type ApiKeyListing,
  type ApiKeyRegistration,
  type SqlApiKeyStore,
  sqlApiKeyStore,
} from './api-keys/sql-api-key-store.ts';
export { assertTtl, type KeyValueStore } from './key-value/key-value-store.ts';
export { type MemoryKeyValueStoreOptions, memoryKeyValueStore } from './key-value/memory-key-value-store.ts';
export {
  type OpenSqlDatabaseOptions,
  openSqlDatabase,
  redactUrl,
  type SqlDatabase,
  type SqlDialectName,
} from './sql/open-sql-database.ts';
export { runMigrations } from './sql/run-migrations.ts';
