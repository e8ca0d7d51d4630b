import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openSqlDatabase, sqlApiKeyStore } from '@ssokit/stores';
import { sqlClientStore } from './sql-client-store.ts';

async function setUp() {
  let time = 1_000_000;
  const database = openSqlDatabase({ url: ':memory:' });
  const store = sqlClientStore({ database, prefix: '/sso/', cacheTtlMs: 5000, now: () => time });
  await store.migrate();
  const added = await store.add({ host: 'app.example:8000', apiKey: 'cachedkey01' });
  // Another process (the admin CLI) writing to the same table, without this store's cache.
  const elsewhere = sqlApiKeyStore(database);
  return { database, store, added, elsewhere, advance: (ms: number) => (time += ms) };
}

describe('sqlClientStore lookups', () => {
  it('keeps the callback path of a registration, none when not given', async () => {
    const { database, store } = await setUp();
    await store.add({ host: 'cb.example', apiKey: 'callbackkey1', callbackPath: '/sso/cb/' });
    assert.equal((await store.findApiKey('callbackkey1'))?.callbackPath, '/sso/cb/');
    assert.equal((await store.findApiKey('cachedkey01'))?.callbackPath, undefined);
    await assert.rejects(store.add({ host: 'x.example', callbackPath: '//evil/' }), TypeError);
    await database.close();
  });

  it('forgets a registration at once when it is removed through the store', async () => {
    const { database, store } = await setUp();
    assert.equal((await store.findApiKey('cachedkey01'))?.host, 'app.example:8000');
    assert.equal(await store.remove('cachedkey01'), true);
    assert.equal(await store.findApiKey('cachedkey01'), undefined);
    await database.close();
  });

  it('sees a rotated secret and retired old secrets at once when changed through the store', async () => {
    const { database, store, added } = await setUp();
    assert.deepEqual((await store.findApiKey('cachedkey01'))?.secrets, added.secrets);
    const rotated = await store.rotateSecret('cachedkey01');
    assert.equal((await store.findApiKey('cachedkey01'))?.secrets.length, 2);
    await store.retireOldSecrets('cachedkey01');
    assert.deepEqual((await store.findApiKey('cachedkey01'))?.secrets, [rotated?.secrets[0]]);
    await database.close();
  });

  it('sees a removal made by another process once the cache time has passed', async () => {
    const { database, store, elsewhere, advance } = await setUp();
    assert.ok(await store.findApiKey('cachedkey01'));
    await elsewhere.remove('cachedkey01');
    advance(4999);
    assert.ok(await store.findApiKey('cachedkey01'), 'still cached within the 5 s');
    advance(1);
    assert.equal(await store.findApiKey('cachedkey01'), undefined);
    await database.close();
  });

  it('reads the table on every lookup with cacheTtlMs 0', async () => {
    const database = openSqlDatabase({ url: ':memory:' });
    const store = sqlClientStore({ database, prefix: '/sso/', cacheTtlMs: 0 });
    await store.migrate();
    await store.add({ host: 'app.example', apiKey: 'uncached001' });
    assert.ok(await store.findApiKey('uncached001'));
    await sqlApiKeyStore(database).remove('uncached001');
    assert.equal(await store.findApiKey('uncached001'), undefined);
    await database.close();
  });
});
