import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SsoError } from '@ssokit/protocol';
import { Redis } from 'ioredis';
import memjs from 'memjs';
import {
  type KeyValueStore,
  keyValueStoreFromUrl,
  memcachedKeyValueStore,
  redisKeyValueStore,
  type StoreLogger,
} from '../src/index.ts';
import { eventually } from '../src/testing/index.ts';
import { assertEveryOperationUnavailable } from './outage-assertions.ts';
import {
  skipUnlessInstalled,
  type ThrowawayService,
  throwawayMemcached,
  throwawayRedis,
} from './throwaway-service.ts';

const PASSWORD = `outage-${randomBytes(8).toString('hex')}`;
const keyPrefix = `outage:${randomBytes(4).toString('hex')}:`;

async function worksAgain(store: KeyValueStore): Promise<void> {
  await eventually(
    async () => {
      await store.set('k', 'back', 60);
      return (await store.get('k')) === 'back';
    },
    15_000,
    'the store works again',
  );
  assert.equal(await store.take('k'), 'back');
}

function recordingLogger(): StoreLogger & { lines: { level: string; details: object; message: string }[] } {
  const lines: { level: string; details: object; message: string }[] = [];
  return {
    lines,
    warn: (details, message) => lines.push({ level: 'warn', details, message }),
    info: (details, message) => lines.push({ level: 'info', details, message }),
  };
}

describe('a Redis store during an outage', { skip: skipUnlessInstalled('redis-server') }, () => {
  let redis: ThrowawayService;
  let url: string;
  let displayUrl: string;
  before(async () => {
    redis = await throwawayRedis({ requirePassword: PASSWORD });
    await redis.start();
    url = `redis://:${PASSWORD}@127.0.0.1:${redis.port}`;
    displayUrl = `redis://:***@127.0.0.1:${redis.port}`;
  });
  after(() => redis?.dispose());

  it('keyValueStoreFromUrl() answers 503 while Redis is down and recovers by itself once it is back', async () => {
    const logger = recordingLogger();
    const store = keyValueStoreFromUrl(url, { keyPrefix, logger });
    try {
      await store.set('k', 'before', 60);
      assert.equal(await store.get('k'), 'before');
      await redis.stop();
      await assertEveryOperationUnavailable(store, `redis store ${displayUrl}`, PASSWORD);
      await redis.start();
      await worksAgain(store);
      assert.ok(
        logger.lines.some(
          (line) => line.level === 'warn' && JSON.stringify(line.details).includes(displayUrl),
        ),
        'the outage is logged with the redacted URL',
      );
      assert.ok(logger.lines.some((line) => line.level === 'info' && /reachable again/.test(line.message)));
      assert.ok(!JSON.stringify(logger.lines).includes(PASSWORD), 'no log line holds the password');
    } finally {
      await store.close();
    }
  });

  it('a store opened while Redis is down works as soon as Redis starts', async () => {
    await redis.stop();
    const store = keyValueStoreFromUrl(url, { keyPrefix });
    try {
      await assertEveryOperationUnavailable(store, `redis store ${displayUrl}`, PASSWORD);
      await redis.start();
      await worksAgain(store);
    } finally {
      await store.close();
    }
  });

  it('a caller-owned client with ioredis defaults still fails within the deadline, then recovers', async () => {
    const client = new Redis(url);
    client.on('error', () => {});
    const store = redisKeyValueStore({ client, keyPrefix, operationTimeoutMs: 1000 });
    try {
      await store.set('k', 'before', 60);
      await redis.stop();
      await assertEveryOperationUnavailable(store, `redis store 127.0.0.1:${redis.port}`, PASSWORD);
      await redis.start();
      await worksAgain(store);
    } finally {
      client.disconnect();
    }
  });

  it('close() quits the connection a URL store opened but leaves a caller-owned client open', async () => {
    const fromUrl = keyValueStoreFromUrl(url, { keyPrefix });
    await fromUrl.set('k', 'v', 60);
    await fromUrl.close();
    await assert.rejects(
      fromUrl.get('k'),
      (error: unknown) => error instanceof SsoError && error.status === 503,
    );

    const client = new Redis(url);
    try {
      const store = redisKeyValueStore({ client, keyPrefix });
      await store.set('k', 'v', 60);
      await store.close();
      assert.equal(await client.ping(), 'PONG');
    } finally {
      client.disconnect();
    }
  });
});

describe('a memcached store during an outage', { skip: skipUnlessInstalled('memcached') }, () => {
  let memcached: ThrowawayService;
  before(async () => {
    memcached = await throwawayMemcached();
    await memcached.start();
  });
  after(() => memcached?.dispose());

  it('keyValueStoreFromUrl() answers 503 while memcached is down and recovers by itself once it is back', async () => {
    const logger = recordingLogger();
    const store = keyValueStoreFromUrl(`memcached://127.0.0.1:${memcached.port}`, { keyPrefix, logger });
    try {
      await store.set('k', 'before', 60);
      assert.equal(await store.get('k'), 'before');
      await memcached.stop();
      await assertEveryOperationUnavailable(
        store,
        `memcached store memcached://127.0.0.1:${memcached.port}`,
        PASSWORD,
      );
      await memcached.start();
      await worksAgain(store);
      assert.ok(
        logger.lines.some((line) => line.level === 'warn'),
        'the outage is logged',
      );
    } finally {
      await store.close();
    }
  });

  it('a caller-owned memjs client with default retries still fails within the deadline, then recovers', async () => {
    const client = memjs.Client.create(`127.0.0.1:${memcached.port}`, { logger: { log: () => {} } });
    const store = memcachedKeyValueStore({ client, keyPrefix, operationTimeoutMs: 1000 });
    try {
      await store.set('k', 'before', 60);
      await memcached.stop();
      await assertEveryOperationUnavailable(store, `memcached store 127.0.0.1:${memcached.port}`, PASSWORD);
      await memcached.start();
      await worksAgain(store);
    } finally {
      client.close();
    }
  });
});
