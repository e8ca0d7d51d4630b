import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenDigest } from '@ssokit/protocol';
import { SessionKeyCache } from './session-key-cache.ts';
import { generateToken } from './session-token.ts';

const keyOf = (id: string) => `session:${id}`;

describe('SessionKeyCache', () => {
  it("gives a token's digest and store key, and the same answer from memory the next time", () => {
    const cache = new SessionKeyCache(10, keyOf);
    const token = generateToken();
    const keys = cache.of(token);
    assert.deepEqual(keys, { id: tokenDigest(token), key: `session:${tokenDigest(token)}` });
    assert.equal(cache.of(token), keys);
    assert.equal(cache.of(`${token.slice(0, 42)}`), undefined);
  });

  it('refuses and keeps nothing of a token this client could not have issued', () => {
    let built = 0;
    const cache = new SessionKeyCache(10, (id) => {
      built++;
      return keyOf(id);
    });
    for (const token of [undefined, '', 'short', `${'a'.repeat(42)}!`, 'a'.repeat(44)]) {
      assert.equal(cache.of(token), undefined);
    }
    assert.equal(built, 0);
  });

  it('keeps at most `size` tokens, the oldest out first, and none with size 0', () => {
    const cache = new SessionKeyCache(2, keyOf);
    const [a, b, c] = [generateToken(), generateToken(), generateToken()];
    const first = cache.remember(a);
    cache.remember(b);
    cache.remember(c);
    assert.notEqual(cache.of(a), first, 'the oldest was dropped and is hashed anew');
    assert.deepEqual(cache.of(a), first);
    const off = new SessionKeyCache(0, keyOf);
    const token = generateToken();
    assert.notEqual(off.of(token), off.of(token));
  });

  it('forgets a token whose session ended', () => {
    const cache = new SessionKeyCache(10, keyOf);
    const token = generateToken();
    const keys = cache.remember(token);
    cache.forget(token);
    assert.notEqual(cache.of(token), keys);
  });
});
