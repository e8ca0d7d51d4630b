import type { Redis, RedisOptions } from 'ioredis';
import type { ClientOptions, Client as MemjsClient, ServerOptions } from 'memjs';
import type { CircuitBreakerOptions } from '../circuit-breaker.ts';
import { loadDriver } from '../load-driver.ts';
import { openSqlDatabase, redactUrl } from '../sql/open-sql-database.ts';
import { type StoreLogger, throttledWarn } from '../store-logger.ts';
import type { KeyValueStore } from './key-value-store.ts';
import { KEY_NOT_FOUND, memcachedKeyValueStore } from './memcached-key-value-store.ts';
import { type MemoryKeyValueStoreOptions, memoryKeyValueStore } from './memory-key-value-store.ts';
import { redisKeyValueStore } from './redis-key-value-store.ts';
import { type SqlKeyValueStoreOptions, sqlKeyValueStore } from './sql-key-value-store.ts';
import { assertOperationTimeout, DEFAULT_OPERATION_TIMEOUT_MS } from './store-operation-guard.ts';

export interface KeyValueStoreFromUrlOptions {
  /**
   * Prepended to every key (Redis and memcached).
   * @default 'ssokit:'
   */
  keyPrefix?: string;
  /**
   * Longest wait for one operation before it fails with `STORE_UNAVAILABLE` (HTTP 503).
   * @default 2000
   */
  operationTimeoutMs?: number;
  /**
   * Longest wait for a TCP connection to the server.
   * @default 3000
   */
  connectTimeoutMs?: number;
  /**
   * Told when the server goes away and comes back (pino or compatible). Lines name the store
   * by its URL with the password replaced by `***`.
   * @default undefined (no logging; failed operations still reject with STORE_UNAVAILABLE)
   */
  logger?: StoreLogger;
  /**
   * The circuit breaker of a networked store (Redis, memcached, the SQL database): after
   * `failureThreshold` consecutive timeouts or connection failures every operation fails at
   * once (503, `cause.code` `CIRCUIT_OPEN`) until a probe after `coolDownMs` succeeds. `false`
   * turns it off.
   * @default {} (5 consecutive failures, a probe every 5000 ms)
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Options of the memory store, for `memory:` (its `logger` defaults to `logger`). @default {} */
  memory?: MemoryKeyValueStoreOptions;
  /** Options of the SQL store (`tableName`, `sweepIntervalMs`), for SQL URLs. @default {} */
  sql?: Omit<SqlKeyValueStoreOptions, 'database' | 'operationTimeoutMs'>;
}

const SCHEMES =
  'memory:, redis://, rediss://, memcached://, sqlite:, postgres://, postgresql://, mysql:// or mariadb://';
const SQL_URL = /^(sqlite:|postgres(ql)?:\/\/|(mysql|mariadb):\/\/)/;

function openSql(url: string, options: KeyValueStoreFromUrlOptions): KeyValueStore {
  const database = openSqlDatabase({
    url,
    operationTimeoutMs: options.operationTimeoutMs,
    circuitBreaker: options.circuitBreaker,
    logger: options.logger,
  });
  const store = sqlKeyValueStore({
    ...options.sql,
    database,
    operationTimeoutMs: options.operationTimeoutMs,
  });
  return {
    ...store,
    async close() {
      await store.close();
      await database.close();
    },
  };
}

// Reconnect forever, quickly at first, then every two seconds: the store comes back by itself
// within about two seconds of the server.
const redisRetryDelay = (attempt: number) => Math.min(attempt * 100, 2000);

function openRedis(url: string, displayUrl: string, options: KeyValueStoreFromUrlOptions): KeyValueStore {
  try {
    new URL(url);
  } catch {
    throw new TypeError(`store url ${displayUrl} is not a valid URL`);
  }
  const { Redis } = loadDriver<typeof import('ioredis')>('ioredis', `store url ${displayUrl}`);
  const redisOptions: RedisOptions = {
    // A command waits through at most one failed reconnection instead of queueing for 20:
    // while Redis is down, requests fail fast with 503 rather than pile up in memory.
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    retryStrategy: redisRetryDelay,
  };
  const client: Redis = new Redis(url, redisOptions);
  const { logger } = options;
  let down = false;
  let closing = false;
  const wentDown = (reason: string) => {
    if (down || closing) return;
    down = true;
    logger?.warn(
      { store: displayUrl, reason },
      'redis store unreachable; operations fail with 503 while it reconnects in the background',
    );
  };
  // Without an 'error' listener ioredis prints every connection error to the console. A
  // server that goes away closes the connection without an error, hence 'close' too.
  client.on('error', (error: Error) => wentDown(error.message));
  client.on('close', () => wentDown('connection closed'));
  client.on('ready', () => {
    if (!down) return;
    down = false;
    (logger?.info ?? logger?.warn)?.call(logger, { store: displayUrl }, 'redis store reachable again');
  });
  const store = redisKeyValueStore({
    client,
    keyPrefix: options.keyPrefix,
    operationTimeoutMs: options.operationTimeoutMs,
    displayName: `redis store ${displayUrl}`,
    circuitBreaker: options.circuitBreaker,
    logger,
  });
  return {
    ...store,
    async close() {
      closing = true;
      if (client.status === 'end') return;
      // QUIT lets pending replies arrive; a server that does not answer is cut off.
      const quit = client.quit().catch(() => undefined);
      const cutOff = new Promise((resolve) => setTimeout(resolve, 1000).unref());
      await Promise.race([quit, cutOff]);
      client.disconnect();
    },
  };
}

function openMemcached(url: string, displayUrl: string, options: KeyValueStoreFromUrlOptions): KeyValueStore {
  const servers = url.replace(/^memcached:\/\//i, '').replace(/\/$/, '');
  let username: string | undefined;
  let password: string | undefined;
  const hosts = servers.split(',').map((server) => {
    const match = /^(?:([^:@]*)(?::([^@]*))?@)?([^:@/\s]+)(?::(\d+))?$/.exec(server);
    if (match === null)
      throw new TypeError(
        `store url ${displayUrl} must be memcached://[user:password@]host[:port][,host[:port]…]`,
      );
    if (match[1]) username = decodeURIComponent(match[1]);
    if (match[2]) password = decodeURIComponent(match[2]);
    return `${match[3]}:${match[4] ?? '11211'}`;
  });
  const memjs = loadDriver<typeof import('memjs')>('memjs', `store url ${displayUrl}`);
  const warn = throttledWarn(options.logger, 60_000);
  const connectTimeoutSeconds = (options.connectTimeoutMs ?? 3000) / 1000;
  const clientOptions: ClientOptions & ServerOptions = {
    // One attempt per operation: a retry after a timeout could apply an add or increment twice.
    retries: 1,
    timeout: 1,
    conntimeout: connectTimeoutSeconds,
    keepAlive: true,
    username,
    password,
    // memjs logs failures to the console by default; its lines name host and port only.
    // A decrement of an absent counter is an answer, not a failure.
    logger: {
      log: (message: unknown) => {
        const reason = String(message);
        if (reason === `MemJS DECREMENT: ${KEY_NOT_FOUND}`) return;
        warn({ store: displayUrl, reason }, 'memcached store failed');
      },
    },
  };
  const client: MemjsClient = memjs.Client.create(hosts.join(','), clientOptions);
  const store = memcachedKeyValueStore({
    client,
    keyPrefix: options.keyPrefix,
    operationTimeoutMs: options.operationTimeoutMs,
    displayName: `memcached store ${displayUrl}`,
    circuitBreaker: options.circuitBreaker,
    logger: options.logger,
  });
  return {
    ...store,
    async close() {
      client.close();
    },
  };
}

/**
 * Opens the key-value store a URL names: `memory:` (or no URL) for a store inside this
 * process, `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS) for Redis,
 * `memcached://[user:password@]host[:port][,host[:port]…]` for memcached, and `sqlite:PATH`,
 * `postgres://…` or `mysql://…` for a table in that SQL database (`sqlKeyValueStore`). The connection is
 * the store's own: `close()` closes it. While the server is down every operation rejects
 * within `operationTimeoutMs` with `SsoError` `STORE_UNAVAILABLE` (503), and the store works
 * again by itself once the server is back.
 */
export function keyValueStoreFromUrl(
  url: string | undefined,
  options: KeyValueStoreFromUrlOptions = {},
): KeyValueStore {
  assertOperationTimeout(options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS, 'operationTimeoutMs');
  assertOperationTimeout(options.connectTimeoutMs ?? 3000, 'connectTimeoutMs');
  if (url === undefined || /^memory:(\/\/)?$/.test(url.trim()) || url.trim() === '') {
    return memoryKeyValueStore({ logger: options.logger, ...options.memory });
  }
  const displayUrl = redactUrl(url);
  if (/^rediss?:\/\//i.test(url)) return openRedis(url, displayUrl, options);
  if (/^memcached:\/\//i.test(url)) return openMemcached(url, displayUrl, options);
  if (SQL_URL.test(url)) return openSql(url, options);
  throw new TypeError(`store url must start with ${SCHEMES}, got ${displayUrl}`);
}
