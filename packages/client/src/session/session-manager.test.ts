import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { memoryUsage } from 'node:process';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type KeyValueStore, memoryKeyValueStore } from '@ssokit/stores';
import { asyncOnlyStore } from '@ssokit/stores/testing';
import { SessionManager } from './session-manager.ts';

const DAY = 86_400;
const user1 = { id: 1, username: 'user1', extras: { email: 'user1@example.com', groups: ['a'] } };

/** A memory store on a test clock, counting writes. */
function setup(options: { ttlSeconds?: number } = {}) {
  let now = 1_800_000_000_000;
  const clock = () => now;
  const memory = memoryKeyValueStore({ now: clock });
  const writes: string[] = [];
  const store: KeyValueStore = {
    ...memory,
    shared: false,
    async set(key, value, ttl) {
      writes.push(key);
      await memory.set(key, value, ttl);
    },
  };
  const sessions = new SessionManager<{ email: string; groups: string[] }>({
    store,
    ttlSeconds: options.ttlSeconds ?? 14 * DAY,
    now: clock,
  });
  return { sessions, memory, writes, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('SessionManager', () => {
  it('gives back the user of a new session with the extras readable as fields', async () => {
    const { sessions } = setup();
    const { token } = await sessions.create(user1);
    const session = await sessions.read(token);
    assert.equal(session?.user.username, 'user1');
    assert.equal(session?.user.email, 'user1@example.com');
    assert.deepEqual(session?.user.groups, ['a']);
    assert.ok(Object.isFrozen(session?.user) && Object.isFrozen(session?.user.groups));
  });

  it('issues 256-bit url-safe tokens and stores sessions only under their SHA-256', async () => {
    const { sessions, memory, writes } = setup();
    const { token } = await sessions.create(user1);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const hash = createHash('sha256').update(token).digest('hex');
    assert.ok(writes.includes(`ssokit_session:${hash}`));
    assert.ok(writes.every((key) => !key.includes(token)));
    assert.notEqual(await memory.get(`ssokit_session:${hash}`), undefined);
  });

  it('reads unknown, malformed and absent tokens as no session', async () => {
    const { sessions } = setup();
    assert.equal(await sessions.read(undefined), undefined);
    assert.equal(await sessions.read('short'), undefined);
    assert.equal(await sessions.read('A'.repeat(43)), undefined);
  });

  it('reuses the built user object while the stored session is unchanged', async () => {
    const { sessions } = setup();
    const { token } = await sessions.create(user1);
    const first = await sessions.read(token);
    const second = await sessions.read(token);
    assert.equal(first?.user, second?.user);
  });

  it('answers at once from a store in this process, and with a promise from any other', async () => {
    const { sessions, memory } = setup();
    const { token } = await sessions.create(user1);
    const now = sessions.readNowOrLater(token);
    assert.ok(!(now instanceof Promise), 'the memory store is read without a promise');
    assert.equal(now?.user.username, 'user1');

    const remote = asyncOnlyStore(memory);
    const later = new SessionManager({ store: remote, ttlSeconds: 14 * DAY }).readNowOrLater(token);
    assert.ok(later instanceof Promise);
    assert.equal((await later)?.user.username, 'user1');
  });

  it('writes nothing on reads during the first half of the lifetime, and renews after it', async () => {
    const { sessions, writes, advance } = setup({ ttlSeconds: 10 * DAY });
    const { token, expiresAt } = await sessions.create(user1);
    const afterCreate = writes.length;
    advance(4 * DAY);
    assert.equal((await sessions.read(token))?.renewed, false);
    assert.equal(writes.length, afterCreate);
    advance(2 * DAY);
    const renewed = await sessions.read(token);
    assert.equal(renewed?.renewed, true);
    assert.equal(renewed?.expiresAt, expiresAt + 6 * DAY * 1000);
    assert.equal((await sessions.read(token))?.renewed, false);
    advance(9 * DAY);
    assert.equal(
      (await sessions.read(token))?.user.username,
      'user1',
      'a renewed session outlives its first expiry',
    );
  });

  it('ends a session that was not used within its lifetime', async () => {
    const { sessions, advance } = setup({ ttlSeconds: DAY });
    const { token } = await sessions.create(user1);
    advance(DAY + 1);
    assert.equal(await sessions.read(token), undefined);
  });

  it('invalidate() ends the session and tells whose it was', async () => {
    const { sessions } = setup();
    const a = await sessions.create(user1);
    const b = await sessions.create(user1);
    assert.deepEqual(await sessions.invalidate(a.token), { userId: 1 });
    assert.equal(await sessions.read(a.token), undefined);
    assert.equal((await sessions.read(b.token))?.user.id, 1);
    assert.equal(await sessions.invalidate(a.token), undefined);
  });

  it('invalidateUser() ends every session of one user and leaves the others', async () => {
    const { sessions } = setup();
    const a = await sessions.create(user1);
    const b = await sessions.create(user1);
    const other = await sessions.create({ id: 2, username: 'user2', extras: {} });
    await sessions.invalidateUser(1);
    assert.equal(await sessions.read(a.token), undefined);
    assert.equal(await sessions.read(b.token), undefined);
    assert.equal((await sessions.read(other.token))?.user.username, 'user2');
    const again = await sessions.create(user1);
    assert.equal((await sessions.read(again.token))?.user.id, 1, 'a sign-in after it works');
  });

  it('invalidateUser() is one write, however many sessions the user has', async () => {
    const { sessions, writes } = setup();
    for (let i = 0; i < 150; i++) await sessions.create(user1);
    writes.length = 0;
    await sessions.invalidateUser(1);
    assert.deepEqual(writes, ['ssokit_session:epoch:1']);
  });

  it('a renewed session stays in its epoch and still ends with invalidateUser()', async () => {
    const { sessions, advance } = setup({ ttlSeconds: DAY });
    const { token } = await sessions.create(user1);
    advance(DAY / 2 + 1);
    assert.equal((await sessions.read(token))?.renewed, true);
    await sessions.invalidateUser(1);
    assert.equal(await sessions.read(token), undefined);
  });

  it('another process sees invalidateUser() once its epochCacheMs has passed, and at once with 0', async () => {
    const { sessions, memory } = setup();
    let clock = 1_800_000_000_000;
    const cached = new SessionManager({ store: memory, ttlSeconds: DAY, now: () => clock });
    const uncached = new SessionManager({
      store: memory,
      ttlSeconds: DAY,
      now: () => clock,
      epochCacheMs: 0,
    });
    const { token } = await sessions.create(user1);
    assert.equal((await cached.read(token))?.user.id, 1);
    assert.equal((await uncached.read(token))?.user.id, 1);
    await sessions.invalidateUser(1);
    assert.equal(await uncached.read(token), undefined);
    clock += 1000;
    assert.equal(await cached.read(token), undefined);
  });

  it('reads a session stored before epochs existed as live until the user is ended', async () => {
    const { sessions, memory } = setup();
    const token = 'B'.repeat(43);
    const key = `ssokit_session:${createHash('sha256').update(token).digest('hex')}`;
    await memory.set(key, JSON.stringify({ u: user1, e: 1_800_000_000_000 + DAY * 1000 }), DAY);
    assert.equal((await sessions.read(token))?.user.id, 1);
    await sessions.invalidateUser(1);
    assert.equal(await sessions.read(token), undefined);
  });

  it('trusts no cached session over the store: one ended by another process is gone at its next read', async () => {
    const { sessions, memory } = setup();
    const signInId = 'C'.repeat(43);
    const { token } = await sessions.create(user1, { signInId });
    assert.equal((await sessions.read(token))?.user.id, 1);
    // Another process ends it through the sign-in index (single logout): it knows no token.
    const elsewhere = new SessionManager({ store: memory, ttlSeconds: DAY });
    assert.equal(await elsewhere.endSignIn(signInId), true);
    assert.equal(await sessions.read(token), undefined);
    assert.equal(await sessions.read(token), undefined);
  });

  it('reads every session however few it keeps parsed, and renews a cached one under its digest', async () => {
    let now = 1_800_000_000_000;
    const memory = memoryKeyValueStore({ now: () => now });
    const sessions = new SessionManager({
      store: memory,
      ttlSeconds: DAY,
      parsedCacheSize: 2,
      now: () => now,
    });
    const tokens = [];
    for (let i = 0; i < 5; i++) tokens.push((await sessions.create({ ...user1, id: i })).token);
    for (let round = 0; round < 2; round++) {
      for (const [i, token] of tokens.entries()) assert.equal((await sessions.read(token))?.user.id, i);
    }
    // A renewal of a cached session writes its sign-in index entry under the same digest.
    const signInId = 'D'.repeat(43);
    const indexed = (await sessions.create(user1, { signInId })).token;
    assert.equal((await sessions.read(indexed))?.renewed, false);
    now += (DAY / 2 + 1) * 1000;
    assert.equal((await sessions.read(indexed))?.renewed, true);
    assert.equal(await new SessionManager({ store: memory, ttlSeconds: DAY }).endSignIn(signInId), true);
    assert.equal(await sessions.read(indexed), undefined);
  });

  it("keeps no request's Cookie header alive through the token it caches", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { sessions, memory } = setup();
    const { token } = await sessions.create(user1);
    // Another process of the app reads it first from a request: the token is a slice of a header.
    const reader = new SessionManager({ store: memory, ttlSeconds: 14 * DAY, now: () => 1_800_000_000_000 });
    let header: string | undefined = `ssokit_session=${token}; pad=${'x'.repeat(8_000_000)}`;
    let slice: string | undefined = header.slice(15, 15 + token.length);
    gc();
    const withHeader = memoryUsage().heapUsed;
    assert.equal((await reader.read(slice))?.user.id, 1);
    header = undefined;
    slice = undefined;
    // V8 keeps the last string a RegExp ran on (for `RegExp.lastMatch`): the token check's.
    /x/.test('x');
    gc();
    assert.ok(memoryUsage().heapUsed < withHeader - 4_000_000, 'the 8 MB header was freed');
    assert.equal((await reader.read(token))?.user.id, 1);
  });

  it('reads a corrupted stored session as no session', async () => {
    const { sessions, memory } = setup();
    const { token } = await sessions.create(user1);
    const hash = createHash('sha256').update(token).digest('hex');
    await memory.set(`ssokit_session:${hash}`, '{"u":', 60);
    assert.equal(await sessions.read(token), undefined);
  });
});
