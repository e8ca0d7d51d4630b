import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type KeyValueStore, keyValueStoreFromUrl, openSqlDatabase, sqlKeyValueStore } from '../src/index.ts';
import {
  skipUnlessServiceRuns,
  type TestClock,
  testClock,
  testKeyValueStore,
  testServiceUrls,
  uniqueTestName,
} from '../src/testing/index.ts';

const folder = mkdtempSync(join(tmpdir(), 'ssokit-kv-sql-'));
// Tables of the suites that ran (skipped suites never open their database), dropped at the end.
const usedTables = new Map<string, { url: string; tableName: string }>();

after(async () => {
  for (const { url, tableName } of usedTables.values()) {
    const database = openSqlDatabase({ url });
    try {
      for (const table of [tableName, `${tableName}_migrations`, `${tableName}_migrations_lock`]) {
        await database.db.schema.dropTable(table).ifExists().execute();
      }
    } finally {
      await database.close();
    }
  }
  rmSync(folder, { recursive: true, force: true });
});

function used(url: string, tableName: string): void {
  if (!url.includes(':memory:')) usedTables.set(`${url} ${tableName}`, { url, tableName });
}

/**
 * Each call opens its own connection (pool), as another process would: the suite's second
 * instance of a shared store checks atomicity across connections. Both instances share the
 * test clock, when there is one: the store computes every expiry from the time it passes in.
 */
function storeOn(url: string, clock?: TestClock): () => KeyValueStore {
  const tableName = uniqueTestName('kv');
  return () => {
    used(url, tableName);
    const database = openSqlDatabase({ url });
    const store = sqlKeyValueStore({ database, tableName, ...(clock ? { now: clock.now } : {}) });
    return {
      ...store,
      async close() {
        await store.close();
        await database.close();
      },
    };
  };
}

function storeFromUrl(url: string, clock: TestClock): () => KeyValueStore {
  const tableName = uniqueTestName('kv_url');
  return () => {
    used(url, tableName);
    return keyValueStoreFromUrl(url, { sql: { tableName, now: clock.now } });
  };
}

/** A test clock of its own, given to the store and to the suite. */
function onClock(
  make: (url: string, clock: TestClock) => () => KeyValueStore,
  url: string,
  options: { skip?: string | boolean } = {},
): [() => KeyValueStore, { clock: TestClock; skip?: string | boolean }] {
  const clock = testClock();
  return [make(url, clock), { ...options, clock }];
}

const sqliteFile = `sqlite:${join(folder, 'kv.sqlite')}`;
const postgres = { skip: await skipUnlessServiceRuns('postgres') };
const mysql = { skip: await skipUnlessServiceRuns('mysql') };

testKeyValueStore('sql (sqlite file)', ...onClock(storeOn, sqliteFile));
testKeyValueStore('sql (sqlite in memory)', ...onClock(storeOn, 'sqlite::memory:'));
// The one SQL suite on real time: expiries from Date.now against a networked database.
testKeyValueStore('sql (postgres)', storeOn(testServiceUrls.postgres), postgres);
testKeyValueStore('sql (mariadb)', ...onClock(storeOn, testServiceUrls.mysql, mysql));
testKeyValueStore('sql (keyValueStoreFromUrl, sqlite file)', ...onClock(storeFromUrl, sqliteFile));
testKeyValueStore(
  'sql (keyValueStoreFromUrl, postgres)',
  ...onClock(storeFromUrl, testServiceUrls.postgres, postgres),
);
testKeyValueStore(
  'sql (keyValueStoreFromUrl, mariadb)',
  ...onClock(storeFromUrl, testServiceUrls.mysql, mysql),
);
