import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignedRequestVerifier, signRequest } from '@ssokit/protocol';
import { sql } from 'kysely';
import { openSqlDatabase, type SqlDatabase } from '../sql/open-sql-database.ts';
import { skipUnlessServiceRuns, testServiceUrls } from '../testing/test-services.ts';
import { type SqlApiKeyStore, sqlApiKeyStore } from './sql-api-key-store.ts';

interface FreshDatabase {
  database: SqlDatabase;
  dispose(): Promise<void>;
}

/**
 * A database of its own for this run (created on the shared server, dropped afterwards), so
 * the real table and migration names are tested without touching anyone else's rows.
 */
async function freshDatabase(serverUrl: string): Promise<FreshDatabase> {
  const name = `ssokit_ak_${randomBytes(5).toString('hex')}`;
  const admin = openSqlDatabase({ url: serverUrl, poolSize: 1 });
  await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = openSqlDatabase({ url: url.toString(), poolSize: 4 });
  return {
    database,
    async dispose() {
      await database.close();
      await sql.raw(`DROP DATABASE IF EXISTS ${name}`).execute(admin.db);
      await admin.close();
    },
  };
}

function suite(name: string, open: () => Promise<FreshDatabase>, skip: string | false): void {
  describe(`sqlApiKeyStore() on ${name}`, { skip }, () => {
    let fresh: FreshDatabase;
    let store: SqlApiKeyStore;

    before(async () => {
      fresh = await open();
      store = sqlApiKeyStore(fresh.database);
      await store.migrate();
    });
    after(async () => {
      await fresh?.dispose();
    });

    it('keeps a logout URL on the bound host, set later and cleared', async () => {
      const added = await store.add({
        allowedEndpoints: ['/sso/authtoken/'],
        host: 'app.example:8000',
        logoutUrl: 'http://app.example:8000/myssoclient/logout/',
      });
      assert.equal(
        (await store.findApiKey(added.apiKey))?.logoutUrl,
        'http://app.example:8000/myssoclient/logout/',
      );
      await assert.rejects(
        store.add({ allowedEndpoints: [], host: 'app.example', logoutUrl: 'http://evil.example/x' }),
        /logoutUrl must be/,
      );
      await assert.rejects(store.setLogoutUrl(added.apiKey, 'https://other.example/'), /logoutUrl must be/);
      const changed = await store.setLogoutUrl(added.apiKey, 'https://app.example:8000/out/');
      assert.equal(changed?.logoutUrl, 'https://app.example:8000/out/');
      const cleared = await store.setLogoutUrl(added.apiKey, null);
      assert.equal(cleared?.logoutUrl, undefined);
      assert.equal(await store.setLogoutUrl('no-such-key', null), undefined);
      await store.remove(added.apiKey);
    });

    it('migrate() can run again without changing anything', async () => {
      await store.migrate();
      assert.deepEqual(await store.list(), []);
    });

    it('add() generates a 16-hex-char key and a 64-hex-char secret when none is given', async () => {
      const added = await store.add({ allowedEndpoints: ['/sso/reqeusttoken/', '/sso/authtoken/'] });
      assert.match(added.apiKey, /^[0-9a-f]{16}$/);
      assert.equal(added.secrets.length, 1);
      assert.match(added.secrets[0] ?? '', /^[0-9a-f]{64}$/);
      const found = await store.findApiKey(added.apiKey);
      assert.deepEqual(found?.secrets, added.secrets);
      assert.deepEqual(found?.allowedEndpoints, ['/sso/reqeusttoken/', '/sso/authtoken/']);
      assert.equal(found?.host, undefined);
    });

    it('add() keeps a given key, secret, host, scheme, note and user, unicode included', async () => {
      const added = await store.add({
        apiKey: 'f4a05287',
        secret: '6a4eeaea54d54f51af703e79c6096d51',
        host: 'LocalHost:8000',
        scheme: 'http',
        note: 'client app — Zoë 🔐',
        allowedEndpoints: ['/api/*'],
        userId: 42,
      });
      const found = await store.findApiKey('f4a05287');
      assert.ok(found);
      assert.equal(found.host, 'localhost:8000');
      assert.equal(found.scheme, 'http');
      assert.equal(found.note, 'client app — Zoë 🔐');
      assert.equal(found.userId, '42');
      assert.deepEqual(found.secrets, ['6a4eeaea54d54f51af703e79c6096d51']);
      assert.equal(found.createdAt.getTime(), added.createdAt.getTime());
    });

    it('add() refuses a key that exists, a short secret and a malformed host, naming the problem', async () => {
      await assert.rejects(store.add({ apiKey: 'f4a05287', allowedEndpoints: [] }), /already exists/);
      await assert.rejects(
        store.add({ secret: 'short', allowedEndpoints: [] }),
        /secret must be at least 16/,
      );
      await assert.rejects(
        store.add({ host: 'http://x/', allowedEndpoints: [] }),
        /host must be host\[:port\]/,
      );
    });

    it('list() shows every key without its secrets', async () => {
      const listed = await store.list();
      assert.ok(listed.some((entry) => entry.apiKey === 'f4a05287' && entry.activeSecrets === 1));
      assert.ok(!JSON.stringify(listed).includes('6a4eeaea54d54f51af703e79c6096d51'));
      assert.ok(listed.every((entry) => !('secrets' in entry)));
    });

    it('findApiKey() answers undefined for an unknown key', async () => {
      assert.equal(await store.findApiKey('nope'), undefined);
    });

    it('serves as the verifier’s key source, through a rotation and the retirement of the old secret', async () => {
      const { apiKey, secrets } = await store.add({ allowedEndpoints: ['/api/*'] });
      const oldSecret = secrets[0] as string;
      const verifier = new SignedRequestVerifier({ apiKeys: store });
      const call = (secretKey: string, path: string) =>
        verifier.verify(
          (() => {
            const signed = signRequest({ apiKey, secretKey, path });
            const [p, q] = signed.pathWithQuery.split('?') as [string, string];
            return { path: p, rawQuery: q };
          })(),
        );
      await call(oldSecret, '/api/1');
      const rotated = await store.rotateSecret(apiKey);
      assert.ok(rotated);
      assert.equal(rotated.secrets.length, 2);
      assert.equal(rotated.secrets[1], oldSecret);
      const newSecret = rotated.secrets[0] as string;
      await call(newSecret, '/api/2');
      await call(oldSecret, '/api/3');
      const retired = await store.retireOldSecrets(apiKey);
      assert.deepEqual(retired?.secrets, [newSecret]);
      await call(newSecret, '/api/4');
      await assert.rejects(call(oldSecret, '/api/5'), /signature error/);
    });

    it('keeps every secret when two rotations run at once', async () => {
      const { apiKey } = await store.add({ allowedEndpoints: [] });
      await Promise.all([store.rotateSecret(apiKey), store.rotateSecret(apiKey)]);
      assert.equal((await store.findApiKey(apiKey))?.secrets.length, 3);
    });

    it('rotateSecret(), retireOldSecrets() and remove() report an unknown key', async () => {
      assert.equal(await store.rotateSecret('nope'), undefined);
      assert.equal(await store.retireOldSecrets('nope'), undefined);
      assert.equal(await store.remove('nope'), false);
    });

    it('remove() deletes the key', async () => {
      assert.equal(await store.remove('f4a05287'), true);
      assert.equal(await store.findApiKey('f4a05287'), undefined);
    });
  });
}

suite(
  'SQLite',
  async () => {
    const database = openSqlDatabase({ url: 'sqlite::memory:' });
    return { database, dispose: () => database.close() };
  },
  false,
);
suite('PostgreSQL', () => freshDatabase(testServiceUrls.postgres), await skipUnlessServiceRuns('postgres'));
suite('MariaDB', () => freshDatabase(testServiceUrls.mysql), await skipUnlessServiceRuns('mysql'));
