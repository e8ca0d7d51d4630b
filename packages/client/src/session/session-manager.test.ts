import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
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

  it('invalidate() ends the session and tells whether it was the user last one', async () => {
    const { sessions } = setup();
    const a = await sessions.create(user1);
    const b = await sessions.create(user1);
    assert.deepEqual(await sessions.invalidate(a.token), { userId: 1, lastSession: false });
    assert.equal(await sessions.read(a.token), undefined);
    assert.equal((await sessions.read(b.token))?.user.id, 1);
    assert.deepEqual(await sessions.invalidate(b.token), { userId: 1, lastSession: true });
    assert.equal(await sessions.invalidate(b.token), undefined);
  });

  it('counts a session that expired on its own as gone when another one ends', async () => {
    const { sessions, advance } = setup({ ttlSeconds: DAY });
    await sessions.create(user1);
    advance(DAY / 4);
    const later = await sessions.create(user1);
    advance((DAY * 3) / 4 + 1);
    assert.deepEqual(await sessions.invalidate(later.token), { userId: 1, lastSession: true });
  });

  it('invalidateUser() ends every session of one user and leaves the others', async () => {
    const { sessions } = setup();
    const a = await sessions.create(user1);
    const b = await sessions.create(user1);
    const other = await sessions.create({ id: 2, username: 'user2', extras: {} });
    assert.equal(await sessions.invalidateUser(1), 2);
    assert.equal(await sessions.read(a.token), undefined);
    assert.equal(await sessions.read(b.token), undefined);
    assert.equal((await sessions.read(other.token))?.user.username, 'user2');
  });

  it('weeds ended sessions out of a full index instead of dropping the oldest live one', async () => {
    const { sessions, memory } = setup();
    const tokens: string[] = [];
    for (let i = 0; i < 100; i++) tokens.push((await sessions.create(user1)).token);
    // Sessions 2..51 disappear behind the index's back (evicted, expired, removed by hand).
    for (const token of tokens.slice(1, 51)) {
      await memory.delete(`ssokit_session:${createHash('sha256').update(token).digest('hex')}`);
    }
    const newest = await sessions.create(user1);
    assert.equal(await sessions.invalidateUser(1), 51);
    assert.equal(await sessions.read(tokens[0]), undefined, 'the oldest live session was still indexed');
    assert.equal(await sessions.read(newest.token), undefined);
  });

  it('reads a corrupted stored session as no session', async () => {
    const { sessions, memory } = setup();
    const { token } = await sessions.create(user1);
    const hash = createHash('sha256').update(token).digest('hex');
    await memory.set(`ssokit_session:${hash}`, '{"u":', 60);
    assert.equal(await sessions.read(token), undefined);
  });
});
