import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type KeyValueStore, keyValueStoreFromUrl, openSqlDatabase, sqlKeyValueStore } from '../src/index.ts';
import {
  skipUnlessServiceRuns,
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
 * instance of a shared store checks atomicity across connections.
 */
function storeOn(url: string): () => KeyValueStore {
  const tableName = uniqueTestName('kv');
  return () => {
    used(url, tableName);
    const database = openSqlDatabase({ url });
    const store = sqlKeyValueStore({ database, tableName });
    return {
      ...store,
      async close() {
        await store.close();
        await database.close();
      },
    };
  };
}

function storeFromUrl(url: string): () => KeyValueStore {
  const tableName = uniqueTestName('kv_url');
  return () => {
    used(url, tableName);
    return keyValueStoreFromUrl(url, { sql: { tableName } });
  };
}

const sqliteFile = `sqlite:${join(folder, 'kv.sqlite')}`;
const postgres = { skip: await skipUnlessServiceRuns('postgres') };
const mysql = { skip: await skipUnlessServiceRuns('mysql') };

testKeyValueStore('sql (sqlite file)', storeOn(sqliteFile));
testKeyValueStore('sql (sqlite in memory)', storeOn('sqlite::memory:'));
testKeyValueStore('sql (postgres)', storeOn(testServiceUrls.postgres), postgres);
testKeyValueStore('sql (mariadb)', storeOn(testServiceUrls.mysql), mysql);
testKeyValueStore('sql (keyValueStoreFromUrl, sqlite file)', storeFromUrl(sqliteFile));
testKeyValueStore('sql (keyValueStoreFromUrl, postgres)', storeFromUrl(testServiceUrls.postgres), postgres);
testKeyValueStore('sql (keyValueStoreFromUrl, mariadb)', storeFromUrl(testServiceUrls.mysql), mysql);
