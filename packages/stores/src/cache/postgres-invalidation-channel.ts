import type { Client } from 'pg';
import {
  type InvalidationChannel,
  type InvalidationListener,
  reconnectDelayMs,
} from './invalidation-channel.ts';

export interface PostgresInvalidationChannelOptions {
  /** Makes a new client outside any pool, not connected yet; one per connection attempt. */
  connect: () => Client;
  /** The channel the table's trigger notifies (`ssokit_kv_<table>`). */
  channelName: string;
  /** Maps a store key to the key the trigger sends (the stored, possibly hashed, key). */
  cacheKey: (key: string) => string;
  /**
   * How often the connection is checked with `SELECT 1`, in milliseconds; one unanswered
   * within the same time counts as a lost channel.
   * @default 1000
   */
  heartbeatMs?: number;
}

/**
 * PostgreSQL `LISTEN` on a dedicated client. The table's trigger sends `pg_notify` in the
 * transaction of every insert, update and delete (the sweep and hand-made changes included),
 * so a notice goes out exactly when the change commits. A dropped connection (a restart,
 * `pg_terminate_backend`) is reported as lost at once and reconnected with a short backoff.
 */
export function postgresInvalidationChannel(
  options: PostgresInvalidationChannelOptions,
): InvalidationChannel {
  const { channelName } = options;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  let listener: InvalidationListener | undefined;
  let client: Client | undefined;
  let closed = false;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const drop = (current: Client, reason: string) => {
    if (client !== current) return;
    client = undefined;
    clearInterval(heartbeat);
    listener?.lost(reason);
    current.removeAllListeners('notification');
    current.on('error', () => {});
    void current.end().catch(() => undefined);
    if (closed) return;
    retry = setTimeout(() => void start(), reconnectDelayMs(attempt++));
    retry.unref();
  };

  const start = async () => {
    if (closed) return;
    const current = options.connect();
    client = current;
    current.on('error', (error: Error) => drop(current, error.message));
    current.on('end', () => drop(current, 'connection closed'));
    current.on('notification', (message) => {
      if (message.channel === channelName && message.payload !== undefined) {
        listener?.invalidate(message.payload);
      }
    });
    try {
      await current.connect();
      await current.query(`LISTEN "${channelName.replaceAll('"', '""')}"`);
    } catch (error) {
      drop(current, (error as Error).message);
      return;
    }
    if (client !== current || closed) return;
    attempt = 0;
    listener?.ready();
    let pinging = false;
    heartbeat = setInterval(() => {
      if (pinging) return;
      pinging = true;
      let answered = false;
      // The verdict waits for the I/O phase after the timer (setImmediate): after an event
      // loop stall the answer may be read but not yet handled, which is no lost channel.
      const timer = setTimeout(
        () => setImmediate(() => answered || drop(current, 'heartbeat unanswered')),
        heartbeatMs,
      );
      current.query('SELECT 1').then(
        () => {
          answered = true;
          pinging = false;
          clearTimeout(timer);
        },
        (error: Error) => {
          answered = true;
          pinging = false;
          clearTimeout(timer);
          drop(current, error.message);
        },
      );
    }, heartbeatMs);
    heartbeat.unref();
  };

  return {
    cacheKey: options.cacheKey,
    open(target) {
      listener = target;
      void start();
    },
    async close() {
      closed = true;
      listener = undefined;
      clearTimeout(retry);
      clearInterval(heartbeat);
      const current = client;
      client = undefined;
      if (current !== undefined) {
        current.on('error', () => {});
        await current.end().catch(() => undefined);
      }
    },
  };
}
