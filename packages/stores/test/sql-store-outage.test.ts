import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { SsoError } from '@ssokit/protocol';
import { type KeyValueStore, openSqlDatabase, sqlKeyValueStore } from '../src/index.ts';
import { eventually, skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '../src/testing/index.ts';
import { type TcpProxy, tcpProxy } from './tcp-proxy.ts';

// PostgreSQL trusts local connections here, so any password passes; it must still stay out.
const PASSWORD = `outage-${randomBytes(8).toString('hex')}`;
const REJECTS_WITHIN_MS = 4000;

async function assertEveryOperationUnavailable(store: KeyValueStore, storeName: string): Promise<void> {
  const operations: [string, () => Promise<unknown>][] = [
    ['get', () => store.get('k')],
    ['set', () => store.set('k', 'v', 60)],
    ['add', () => store.add('k2', 'v', 60)],
    ['take', () => store.take('k')],
    ['delete', () => store.delete('k')],
    ['increment', () => store.increment('n', 60)],
  ];
  for (const [name, operation] of operations) {
    const started = performance.now();
    const error = await operation().then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    const elapsed = performance.now() - started;
    assert.ok(error instanceof SsoError, `${name}() rejects with an SsoError, got ${String(error)}`);
    assert.equal(error.code, 'STORE_UNAVAILABLE');
    assert.equal(error.status, 503);
    assert.ok(error.message.startsWith(`${storeName} is unavailable: `), `${name}(): ${error.message}`);
    assert.ok(!`${error.message} ${String(error.cause)}`.includes(PASSWORD), 'the password stays out');
    assert.ok(elapsed < REJECTS_WITHIN_MS, `${name}() rejected after ${Math.round(elapsed)} ms`);
  }
}

async function worksAgain(store: KeyValueStore): Promise<void> {
  await eventually(
    async () => {
      try {
        await store.set('k', 'back', 60);
        return (await store.get('k')) === 'back';
      } catch {
        return false;
      }
    },
    15_000,
    'the store works again',
  );
  assert.equal(await store.take('k'), 'back');
}

const targets = [
  {
    name: 'PostgreSQL',
    service: 'postgres' as const,
    url: (port: number) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/test`,
    displayUrl: (port: number) => `postgres://postgres:***@127.0.0.1:${port}/test`,
  },
  {
    name: 'MariaDB',
    service: 'mysql' as const,
    url: (port: number) => `mysql://root@127.0.0.1:${port}/test`,
    displayUrl: (port: number) => `mysql://root@127.0.0.1:${port}/test`,
  },
];

for (const target of targets) {
  const skip = await skipUnlessServiceRuns(target.service);
  describe(`a SQL key-value store on ${target.name} during an outage`, { skip }, () => {
    const tableName = uniqueTestName('kv_outage');
    let proxy: TcpProxy;
    before(async () => {
      const real = new URL(testServiceUrls[target.service]);
      proxy = tcpProxy({
        host: real.hostname,
        port: Number(real.port) || (target.service === 'postgres' ? 5432 : 3306),
      });
      await proxy.start();
    });
    after(async () => {
      if (proxy === undefined) return;
      await proxy.start().catch(() => undefined);
      const database = openSqlDatabase({ url: target.url(proxy.port) });
      for (const table of [tableName, `${tableName}_migrations`, `${tableName}_migrations_lock`]) {
        await database.db.schema.dropTable(table).ifExists().execute();
      }
      await database.close();
      await proxy.stop();
    });

    it('answers 503 while the database is unreachable and recovers by itself once it is back', async () => {
      const database = openSqlDatabase({ url: target.url(proxy.port) });
      const store = sqlKeyValueStore({ database, tableName });
      try {
        await store.set('k', 'before', 60);
        assert.equal(await store.get('k'), 'before');
        await proxy.stop();
        await assertEveryOperationUnavailable(store, `sql store ${target.displayUrl(proxy.port)}`);
        await proxy.start();
        await worksAgain(store);
      } finally {
        await store.close();
        await database.close();
      }
    });

    it('a store opened while the database is down creates its table once the database is back', async () => {
      await proxy.stop();
      const database = openSqlDatabase({ url: target.url(proxy.port) });
      const store = sqlKeyValueStore({ database, tableName: `${tableName}_late` });
      try {
        await assertEveryOperationUnavailable(store, `sql store ${target.displayUrl(proxy.port)}`);
        await proxy.start();
        await worksAgain(store);
      } finally {
        await store.close();
        for (const table of [
          `${tableName}_late`,
          `${tableName}_late_migrations`,
          `${tableName}_late_migrations_lock`,
        ]) {
          await database.db.schema.dropTable(table).ifExists().execute();
        }
        await database.close();
      }
    });
  });
}
