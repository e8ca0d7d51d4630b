import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type KeyValueStore, openSqlDatabase, sqlKeyValueStore } from '../src/index.ts';
import { eventually, skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '../src/testing/index.ts';
import { assertEveryOperationUnavailable } from './outage-assertions.ts';
import { type TcpProxy, tcpProxy } from './tcp-proxy.ts';

// PostgreSQL trusts local connections here, so any password passes; it must still stay out.
const PASSWORD = `outage-${randomBytes(8).toString('hex')}`;

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
        await assertEveryOperationUnavailable(store, `sql store ${target.displayUrl(proxy.port)}`, PASSWORD);
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
        await assertEveryOperationUnavailable(store, `sql store ${target.displayUrl(proxy.port)}`, PASSWORD);
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
