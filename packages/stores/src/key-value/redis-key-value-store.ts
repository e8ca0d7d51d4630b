import type { Cluster, Redis } from 'ioredis';
import { OPEN_INVALIDATION_CHANNEL, type WithInvalidationChannel } from '../cache/invalidation-channel.ts';
import { redisInvalidationChannel } from '../cache/redis-invalidation-channel.ts';
import type { CircuitBreakerOptions } from '../circuit-breaker.ts';
import type { StoreLogger } from '../store-logger.ts';
import { assertTtl, type KeyValueStore } from './key-value-store.ts';
import {
  assertOperationTimeout,
  DEFAULT_OPERATION_TIMEOUT_MS,
  storeOperationGuard,
} from './store-operation-guard.ts';

export interface RedisKeyValueStoreOptions {
  /**
   * An ioredis client (or cluster) the caller opened; the store never opens or closes it.
   * For fail-fast behaviour while Redis is down, give it `maxRetriesPerRequest: 1` (or
   * `enableOfflineQueue: false`); `keyValueStoreFromUrl` does this for you.
   */
  client: Redis | Cluster;
  /**
   * Prepended to every key, so several apps can share one Redis database. Applied on top of
   * any `keyPrefix` the ioredis client has itself.
   * @default 'ssokit:'
   */
  keyPrefix?: string;
  /**
   * Longest wait for one operation before it fails with `STORE_UNAVAILABLE` (HTTP 503).
   * @default 2000
   */
  operationTimeoutMs?: number;
  /**
   * Names the store in error messages. Must not contain a password.
   * @default 'redis store HOST:PORT' from the client's options
   */
  displayName?: string;
  /**
   * After this many consecutive timeouts or connection failures every operation fails at once
   * with `STORE_UNAVAILABLE` (503, `cause.code` `CIRCUIT_OPEN`) instead of waiting for its
   * deadline; one probe after the cool-down closes it again when the server answers. `false`
   * turns it off.
   * @default {} (5 consecutive failures, a probe every 5000 ms)
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Told once when the breaker opens (warn) and closes (info). @default undefined */
  logger?: StoreLogger;
}

// One round trip, atomic on the server. The expiry is set when the counter is created, and
// also when a counter somehow has none (written by an older version, or by hand), so a counter
// can never become immortal; later increments leave a running window alone.
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count`;

// DECR keeps the key's expiry; the script never creates a key, nor goes below zero.
const DECREMENT_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]))
if count == nil then return 0 end
if count <= 0 then return 0 end
return redis.call('DECR', KEYS[1])`;

function describeClient(client: Redis | Cluster): string {
  if ('isCluster' in client && client.isCluster) return 'redis cluster store';
  const { host, port, path, db } = (client as Redis).options;
  const where = path ?? `${host ?? '127.0.0.1'}:${port ?? 6379}`;
  return `redis store ${where}${db ? `/${db}` : ''}`;
}

// Redis keeps milliseconds; round up so an entry never lives shorter than asked.
const ttlMs = (ttlSeconds: number) => Math.ceil(ttlSeconds * 1000);

/**
 * A key-value store on Redis (>= 6.2, for GETDEL) over an ioredis client the caller owns.
 * Every operation is a single atomic command: `add` is `SET NX PX`, `take` is `GETDEL`,
 * `increment` and `decrement` short Lua scripts.
 */
export function redisKeyValueStore(options: RedisKeyValueStoreOptions): KeyValueStore {
  const { client } = options;
  if (client === null || typeof client !== 'object' || typeof client.getdel !== 'function') {
    throw new TypeError('redisKeyValueStore: client must be an ioredis client (Redis or Cluster)');
  }
  const keyPrefix = options.keyPrefix ?? 'ssokit:';
  const timeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  assertOperationTimeout(timeoutMs, 'redisKeyValueStore: operationTimeoutMs');
  const guarded = storeOperationGuard({
    storeName: options.displayName ?? describeClient(client),
    timeoutMs,
    circuitBreaker: options.circuitBreaker,
    logger: options.logger,
  });
  // While ioredis waits to reconnect the server is known to be down: answer 503 at once
  // instead of queueing the command and holding the request until the deadline.
  const guard = <T>(operation: () => Promise<T>): Promise<T> =>
    guarded(() => {
      const { status } = client;
      if (status === 'reconnecting' || status === 'end') {
        return Promise.reject(
          new Error(`not connected (${status === 'end' ? 'connection closed' : 'reconnecting'})`),
        );
      }
      return operation();
    });
  const k = (key: string) => `${keyPrefix}${key}`;

  const isCluster = 'isCluster' in client && client.isCluster;
  const store: KeyValueStore & WithInvalidationChannel = {
    shared: true,
    // Client-side caching on a connection of its own, a copy of the caller's client's
    // options; none on a cluster (tracking is per node).
    [OPEN_INVALIDATION_CHANNEL]() {
      if (isCluster) return undefined;
      const redis = client as Redis;
      const connection = redis.duplicate({
        autoResubscribe: false,
        lazyConnect: true,
        connectionName: 'ssokit-read-cache',
        // Notices only arrive while connected: a command waits for nothing.
        enableOfflineQueue: false,
      });
      return redisInvalidationChannel({
        connection,
        keyPrefix: `${redis.options.keyPrefix ?? ''}${keyPrefix}`,
      });
    },
    async get(key) {
      return (await guard(() => client.get(k(key)))) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await guard(() => client.set(k(key), value, 'PX', ttlMs(ttlSeconds)));
    },
    async add(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      return (await guard(() => client.set(k(key), value, 'PX', ttlMs(ttlSeconds), 'NX'))) === 'OK';
    },
    async take(key) {
      return (await guard(() => client.getdel(k(key)))) ?? undefined;
    },
    async delete(key) {
      await guard(() => client.del(k(key)));
    },
    async increment(key, ttlSeconds) {
      assertTtl(ttlSeconds);
      const count = await guard(() => client.eval(INCREMENT_SCRIPT, 1, k(key), ttlMs(ttlSeconds)));
      return Number(count);
    },
    async decrement(key) {
      const count = await guard(() => client.eval(DECREMENT_SCRIPT, 1, k(key)));
      return Number(count);
    },
    async close() {
      // The client belongs to the caller, who may use it for other things.
    },
  };
  return store;
}
