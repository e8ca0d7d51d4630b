import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SsoError } from '@ssokit/protocol';
import { toSsoUser, userRecordFromProvider } from './sso-user.ts';

// The user JSON of transcript 01 (fixtures/transcripts/01-fresh-login.json).
const providerUser = {
  id: 1,
  last_login: null,
  is_superuser: false,
  username: 'user1',
  first_name: 'User',
  last_name: 'One',
  email: 'user1@example.com',
  is_staff: false,
  is_active: true,
  date_joined: '2026-11-29T14:19:10.871Z',
  groups: [],
};

describe('userRecordFromProvider()', () => {
  it('keeps id and username as fields and every other attribute as extras', () => {
    const record = userRecordFromProvider(providerUser);
    assert.equal(record.id, 1);
    assert.equal(record.username, 'user1');
    assert.deepEqual(Object.keys(record.extras), [
      'last_login',
      'is_superuser',
      'first_name',
      'last_name',
      'email',
      'is_staff',
      'is_active',
      'date_joined',
      'groups',
    ]);
  });

  it('refuses with a clear 502 a username over 50 characters, a missing id, or no object', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...providerUser, username: 'u'.repeat(51) }, /username is longer than 50 characters/],
      [{ ...providerUser, username: '' }, /username must be a non-empty string/],
      [{ ...providerUser, id: undefined }, /id must be an integer or a non-empty string/],
      [{ ...providerUser, id: 1.5 }, /id must be an integer/],
      [[providerUser], /not a JSON object/],
      [null, /not a JSON object/],
    ];
    for (const [json, reason] of cases) {
      assert.throws(
        () => userRecordFromProvider(json),
        (error: unknown) => error instanceof SsoError && error.status === 502 && reason.test(error.message),
      );
    }
  });
});

describe('toSsoUser()', () => {
  it('makes extras readable as typed fields on a plain frozen object', () => {
    const user = toSsoUser<{ email: string; groups: string[] }>({
      id: 1,
      username: 'user1',
      extras: { email: 'a@example.com', groups: ['x'] },
    });
    const email: string = user.email;
    assert.equal(email, 'a@example.com');
    assert.equal(user.extras.email, 'a@example.com');
    assert.ok(Object.isFrozen(user));
    assert.ok(Object.isFrozen(user.groups));
    assert.throws(() => {
      (user as { email: string }).email = 'changed';
    }, TypeError);
  });

  it('never lets an extra replace id, username or extras, nor change the prototype', () => {
    const extras = JSON.parse('{"id": 99, "username": "admin", "extras": 1, "__proto__": {"isAdmin": true}}');
    const user = toSsoUser({ id: 1, username: 'user1', extras });
    assert.equal(user.id, 1);
    assert.equal(user.username, 'user1');
    assert.equal(user.extras.id, 99);
    assert.equal(Object.getPrototypeOf(user), Object.prototype);
    assert.equal((user as Record<string, unknown>).isAdmin, undefined);
  });

  it('serialises to JSON with the extras both nested and as fields', () => {
    const user = toSsoUser({ id: 1, username: 'user1', extras: { email: 'a@example.com' } });
    assert.deepEqual(JSON.parse(JSON.stringify(user)), {
      email: 'a@example.com',
      id: 1,
      username: 'user1',
      extras: { email: 'a@example.com' },
    });
  });
});
