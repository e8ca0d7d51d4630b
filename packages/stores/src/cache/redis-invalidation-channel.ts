import type { Redis } from 'ioredis';
import type { InvalidationChannel, InvalidationListener } from './invalidation-channel.ts';

export interface RedisInvalidationChannelOptions {
  /**
   * A connection of its own, not yet used for anything else (`client.duplicate()`): it is put
   * in subscriber mode, reconnected and closed by the channel. Create it with
   * `lazyConnect: true` or let it connect; the channel takes it either way.
   */
  connection: Redis;
  /** The full prefix of the keys to hear about (the ioredis client's and the store's). */
  keyPrefix: string;
  /**
   * How often the connection is checked with a `PING`, in milliseconds; an unanswered one
   * within the same time counts as a lost channel (a connection that died without a word).
   * @default 1000
   */
  heartbeatMs?: number;
}

const INVALIDATE = '__redis__:invalidate';

/**
 * Redis client-side caching in its broadcast form: the dedicated connection asks Redis to
 * tell it of every change to a key under the prefix (`CLIENT TRACKING ON REDIRECT <itself>
 * BCAST PREFIX p`) and subscribes to the notices. Redis tells of writes, deletions, expiries
 * and evictions by anyone (redis-cli included), so nothing depends on the writer's goodwill.
 * Tracking lives and dies with the connection: each reconnection turns it on again before
 * the channel says `ready`.
 */
export function redisInvalidationChannel(options: RedisInvalidationChannelOptions): InvalidationChannel {
  const { connection, keyPrefix } = options;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  let listener: InvalidationListener | undefined;
  let closed = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let pinging = false;

  const lost = (reason: string) => listener?.lost(reason);
  const setUp = async () => {
    try {
      const id = await connection.client('ID');
      await connection.client('TRACKING', 'ON', 'REDIRECT', String(id), 'BCAST', 'PREFIX', keyPrefix);
      await connection.subscribe(INVALIDATE);
      if (!closed) listener?.ready();
    } catch (error) {
      lost(`could not turn tracking on: ${(error as Error).message}`);
      // Try again through a fresh connection (the next 'ready').
      if (!closed) connection.disconnect(true);
    }
  };

  return {
    cacheKey: (key) => key,
    open(target) {
      listener = target;
      connection.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
        if (channel.toString() !== INVALIDATE) return;
        // null: the whole database was flushed.
        if (!Array.isArray(keys)) {
          lost('database flushed');
          listener?.ready();
          return;
        }
        for (const key of keys) {
          const text = key.toString();
          if (text.startsWith(keyPrefix)) listener?.invalidate(text.slice(keyPrefix.length));
        }
      });
      connection.on('error', () => {});
      connection.on('close', () => lost('connection closed'));
      connection.on('ready', () => void setUp());
      if (connection.status === 'ready') void setUp();
      else if (connection.status === 'wait') void connection.connect().catch(() => undefined);
      heartbeat = setInterval(() => {
        if (pinging || connection.status !== 'ready') return;
        pinging = true;
        let answered = false;
        // The verdict waits for the I/O phase after the timer (setImmediate): after an event
        // loop stall the answer may be read but not yet handled, which is no lost channel.
        const timer = setTimeout(
          () =>
            setImmediate(() => {
              if (answered || closed) return;
              lost('heartbeat unanswered');
              connection.disconnect(true);
            }),
          heartbeatMs,
        );
        connection
          .ping()
          .catch(() => undefined)
          .finally(() => {
            answered = true;
            pinging = false;
            clearTimeout(timer);
          });
      }, heartbeatMs);
      heartbeat.unref();
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      listener = undefined;
      connection.disconnect();
    },
  };
}
