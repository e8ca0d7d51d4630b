export {
  type AddApiKeyInput,
  type ApiKeyListing,
  type ApiKeyRegistration,
  type SqlApiKeyStore,
  sqlApiKeyStore,
  validLogoutUrl,
} from './api-keys/sql-api-key-store.ts';
export {
  type CachedKeyValueStore,
  type CachedKeyValueStoreOptions,
  cachedKeyValueStore,
  DEFAULT_READ_CACHE_ENTRIES,
  DEFAULT_READ_CACHE_TTL_MS,
  DEFAULT_UNTOLD_READ_CACHE_TTL_MS,
  READ_THROUGH,
  type ReadCacheOptions,
  readThroughOf,
} from './cache/cached-key-value-store.ts';
export {
  type InvalidationChannel,
  type InvalidationListener,
  OPEN_INVALIDATION_CHANNEL,
  openInvalidationChannelOf,
  type WithInvalidationChannel,
} from './cache/invalidation-channel.ts';
export {
  type PostgresInvalidationChannelOptions,
  postgresInvalidationChannel,
} from './cache/postgres-invalidation-channel.ts';
export {
  type RedisInvalidationChannelOptions,
  redisInvalidationChannel,
} from './cache/redis-invalidation-channel.ts';
export {
  CIRCUIT_OPEN,
  type CircuitBreaker,
  type CircuitBreakerConfig,
  type CircuitBreakerOptions,
  type CircuitState,
  circuitBreaker,
  DEFAULT_COOL_DOWN_MS,
  DEFAULT_FAILURE_THRESHOLD,
} from './circuit-breaker.ts';
export { isOutageError } from './is-outage-error.ts';
export {
  assertTtl,
  GET_NOW,
  type GetNowResult,
  getNowOf,
  type KeyValueStore,
  type KeyValueStoreWithGetNow,
} from './key-value/key-value-store.ts';
export {
  type KeyValueStoreFromUrlOptions,
  keyValueStoreFromUrl,
} from './key-value/key-value-store-from-url.ts';
export { MEMCACHED_MAX_KEY_BYTES, memcachedKey } from './key-value/memcached-key.ts';
export {
  type MemcachedKeyValueStoreOptions,
  memcachedExpiry,
  memcachedKeyValueStore,
} from './key-value/memcached-key-value-store.ts';
export {
  DEFAULT_MEMORY_MAX_ENTRIES,
  type MemoryKeyValueStoreOptions,
  memoryKeyValueStore,
} from './key-value/memory-key-value-store.ts';
export { type RedisKeyValueStoreOptions, redisKeyValueStore } from './key-value/redis-key-value-store.ts';
export {
  type SqlKeyValueStore,
  type SqlKeyValueStoreOptions,
  sqlKeyValueStore,
} from './key-value/sql-key-value-store.ts';
export { DEFAULT_KEY_VALUE_TABLE, SQL_MAX_PLAIN_KEY_BYTES } from './key-value/sql-key-value-table.ts';
export {
  DEFAULT_OPERATION_TIMEOUT_MS,
  type StoreOperationGuard,
  type StoreOperationGuardOptions,
  storeOperationGuard,
} from './key-value/store-operation-guard.ts';
export { warnIfPerProcessStore } from './key-value/warn-if-per-process-store.ts';
export { isUniqueViolation } from './sql/is-unique-violation.ts';
export {
  DEFAULT_SQL_TIMEOUT_MS,
  type OpenSqlDatabaseOptions,
  openSqlDatabase,
  redactUrl,
  type SqlDatabase,
  type SqlDialectName,
} from './sql/open-sql-database.ts';
export { runMigrations } from './sql/run-migrations.ts';
export type { StoreLogger } from './store-logger.ts';
export { type StoreUnavailableErrorOptions, storeUnavailableError } from './store-unavailable-error.ts';
