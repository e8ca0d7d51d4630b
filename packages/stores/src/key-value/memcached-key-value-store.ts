import type { Client } from 'memjs';
import type { CircuitBreakerOptions } from '../circuit-breaker.ts';
import type { StoreLogger } from '../store-logger.ts';
import { assertTtl, type KeyValueStore } from './key-value-store.ts';
import { assertMemcachedKeyPrefix, memcachedKey } from './memcached-key.ts';
import {
  assertOperationTimeout,
  DEFAULT_OPERATION_TIMEOUT_MS,
  storeOperationGuard,
} from './store-operation-guard.ts';

export interface MemcachedKeyValueStoreOptions {
  /**
   * A memjs client the caller opened; the store never closes it. memjs retries a failed
   * operation (`retries`, default 2), which can apply a timed-out `add` or `increment` twice:
   * give it `retries: 1`, as `keyValueStoreFromUrl` does.
   */
  client: Client;
  /**
   * Prepended to every key (printable ASCII without spaces, at most 100 bytes).
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
   * @default 'memcached store HOST:PORT' from the client's servers
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

const THIRTY_DAYS_SECONDS = 60 * 60 * 24 * 30;
// 0xffffffff means "do not create" to the binary increment and decrement commands.
const DO_NOT_CREATE = 0xffffffff;
const LATEST_EXPIRY = 0xfffffffe;
/** How memjs words memcached's status 1 at the end of its error messages. */
export const KEY_NOT_FOUND = 'Key not found';

/**
 * Memcached's expiry for a TTL. Memcached counts whole seconds on a clock that ticks once a
 * second, so a relative expiry of N lives between N-1 and N seconds: rounding up and adding
 * one second means an entry never dies before its TTL (a replay guard relies on that) and
 * lives at most a second and a bit longer. Past 30 days memcached reads the number as a Unix
 * time, so long TTLs are sent as one.
 */
export function memcachedExpiry(ttlSeconds: number, nowMs: number = Date.now()): number {
  const seconds = Math.ceil(ttlSeconds) + 1;
  if (seconds <= THIRTY_DAYS_SECONDS) return seconds;
  return Math.min(Math.ceil(nowMs / 1000) + seconds, LATEST_EXPIRY);
}

function describeClient(client: Client): string {
  const servers = (client.servers ?? []).map((server) => `${server.host}:${server.port}`);
  return `memcached store ${servers.join(',') || 'unknown server'}`;
}

const asString = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
};

/**
 * A key-value store on memcached over a memjs client the caller owns. `add`, `increment` and
 * `decrement` are single atomic memcached commands. `take` is a `get` followed by a `delete`, and only
 * the caller whose `delete` removed the entry gets the value, so of several concurrent takers
 * at most one wins. (A `set` of the same key between another taker's get and delete would be
 * deleted unseen; ssokit's single-use tokens are never overwritten, so this does not arise.)
 * Keys memcached refuses (over 250 bytes, spaces, control or non-ASCII characters) are hashed:
 * see `memcachedKey`.
 */
export function memcachedKeyValueStore(options: MemcachedKeyValueStoreOptions): KeyValueStore {
  const { client } = options;
  if (client === null || typeof client !== 'object' || typeof client.increment !== 'function') {
    throw new TypeError('memcachedKeyValueStore: client must be a memjs Client');
  }
  const keyPrefix = options.keyPrefix ?? 'ssokit:';
  assertMemcachedKeyPrefix(keyPrefix, 'memcachedKeyValueStore: keyPrefix');
  const timeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  assertOperationTimeout(timeoutMs, 'memcachedKeyValueStore: operationTimeoutMs');
  const guard = storeOperationGuard({
    storeName: options.displayName ?? describeClient(client),
    timeoutMs,
    circuitBreaker: options.circuitBreaker,
    logger: options.logger,
  });
  const k = (key: string) => memcachedKey(keyPrefix, key);

  return {
    shared: true,
    async get(key) {
      const { value } = await guard(() => client.get(k(key)));
      return asString(value);
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await guard(() => client.set(k(key), value, { expires: memcachedExpiry(ttlSeconds) }));
    },
    async add(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      return guard(() => client.add(k(key), value, { expires: memcachedExpiry(ttlSeconds) }));
    },
    async take(key) {
      const memcached = k(key);
      const { value } = await guard(() => client.get(memcached));
      if (value === null || value === undefined) return undefined;
      const deleted = await guard(() => client.delete(memcached));
      return deleted ? asString(value) : undefined;
    },
    async delete(key) {
      await guard(() => client.delete(k(key)));
    },
    async increment(key, ttlSeconds) {
      assertTtl(ttlSeconds);
      // Memcached creates an absent counter with `initial` and this expiry; an existing
      // counter keeps the expiry it was created with.
      return guard(async () => {
        const { value } = await client.increment(k(key), 1, {
          initial: 1,
          expires: memcachedExpiry(ttlSeconds),
        });
        if (typeof value !== 'number') throw new Error('increment answered without a count');
        return value;
      });
    },
    async decrement(key) {
      // Memcached's decrement stops at zero and keeps the expiry; "do not create" leaves an
      // absent counter absent, which memcached answers as "Key not found".
      return guard(async () => {
        try {
          const { value } = await client.decrement(k(key), 1, { expires: DO_NOT_CREATE });
          if (typeof value !== 'number') throw new Error('decrement answered without a count');
          return value;
        } catch (error) {
          if (error instanceof Error && error.message.endsWith(KEY_NOT_FOUND)) return 0;
          throw error;
        }
      });
    },
    async close() {
      // The client belongs to the caller, who may use it for other things.
    },
  };
}
