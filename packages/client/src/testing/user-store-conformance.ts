import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UserStore } from '../user/user-store.ts';

export interface TestUserStoreOptions {
  /** A reason to skip the suite (e.g. from `skipUnlessServiceRuns`), or false to run it. */
  skip?: string | false;
}

/**
 * The behaviour every `UserStore` must have, as a `node:test` suite. Run it against each
 * implementation with a fresh, isolated store (own table or key prefix):
 * `testUserStore('redis', () => cacheUserStore({ store, keyPrefix: uniquePrefix }))`.
 * The store is closed when the suite ends.
 */
export function testUserStore(
  name: string,
  make: () => UserStore | Promise<UserStore>,
  options: TestUserStoreOptions = {},
): void {
  describe(`UserStore conformance: ${name}`, { skip: options.skip ?? false }, () => {
    let store: UserStore;
    before(async () => {
      store = await make();
    });
    after(async () => {
      await store?.close();
    });

    it('get() gives undefined for a user never saved', async () => {
      assert.equal(await store.get(404), undefined);
      assert.equal(await store.get('nobody'), undefined);
    });

    it('save() then get() gives back the id, the username and every extra with its JSON type', async () => {
      const extras = {
        email: 'user1@example.com',
        first_name: 'Zoë',
        is_staff: false,
        last_login: null,
        groups: [1, 'editors', { nested: true }],
        note: 'emoji 🔑 and "quotes" and \\ backslash',
      };
      await store.save({ id: 1, username: 'user1', extras });
      assert.deepEqual(await store.get(1), { id: 1, username: 'user1', extras });
    });

    it('keeps an integer id a number and a string id a string', async () => {
      await store.save({ id: 'a1b2-c3', username: 'string-id', extras: {} });
      const byString = await store.get('a1b2-c3');
      assert.equal(byString?.id, 'a1b2-c3');
      assert.equal((await store.get(1))?.id, 1);
    });

    it('save() of a user who signs in again updates the user instead of adding one', async () => {
      await store.save({ id: 2, username: 'user2', extras: { email: 'old@example.com', gone: 1 } });
      await store.save({ id: 2, username: 'user2-renamed', extras: { email: 'new@example.com' } });
      assert.deepEqual(await store.get(2), {
        id: 2,
        username: 'user2-renamed',
        extras: { email: 'new@example.com' },
      });
    });

    it('save() accepts a username another id held before (the provider renamed that account)', async () => {
      await store.save({ id: 3, username: 'taken', extras: {} });
      await store.save({ id: 4, username: 'taken', extras: { fresh: true } });
      assert.deepEqual(await store.get(4), { id: 4, username: 'taken', extras: { fresh: true } });
    });

    it('accepts a username of exactly 50 characters', async () => {
      const username = 'u'.repeat(50);
      await store.save({ id: 5, username, extras: {} });
      assert.equal((await store.get(5))?.username, username);
    });

    it('delete() removes the user and is quiet when the user is already gone', async () => {
      await store.save({ id: 6, username: 'user6', extras: {} });
      await store.delete(6);
      assert.equal(await store.get(6), undefined);
      await store.delete(6);
      assert.equal(await store.get(6), undefined);
    });

    it('keeps users apart: deleting one leaves the others', async () => {
      await store.save({ id: 7, username: 'user7', extras: { n: 7 } });
      await store.save({ id: 8, username: 'user8', extras: { n: 8 } });
      await store.delete(7);
      assert.deepEqual(await store.get(8), { id: 8, username: 'user8', extras: { n: 8 } });
    });
  });
}
