import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constantTimeEqual, looksLikeHexToken, randomHexToken, tokenDigest } from './random-token.ts';

describe('random tokens', () => {
  it('randomHexToken() gives lowercase hex of the asked length', () => {
    for (const bytes of [1, 16, 32, 4096]) {
      const token = randomHexToken(bytes);
      assert.ok(looksLikeHexToken(token, bytes), `${bytes} bytes: ${token.slice(0, 20)}`);
    }
  });

  it('randomHexToken() never hands out the same bytes twice, across pool refills', () => {
    // 2,000 tokens of 32 bytes span more than fifteen refills of the 4 KiB pool.
    const tokens = new Set(Array.from({ length: 2000 }, () => randomHexToken(32)));
    assert.equal(tokens.size, 2000);
    const halves = new Set([...tokens].flatMap((token) => [token.slice(0, 32), token.slice(32)]));
    assert.equal(halves.size, 4000);
  });

  it('randomHexToken() refuses sizes it cannot serve', () => {
    for (const bytes of [0, -1, 1.5, 4097, Number.NaN]) {
      assert.throws(() => randomHexToken(bytes), RangeError);
    }
  });

  it('tokenDigest() is the SHA-256 hex of the token', () => {
    assert.equal(tokenDigest('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('constantTimeEqual() compares whole strings', () => {
    assert.equal(constantTimeEqual('abc', 'abc'), true);
    assert.equal(constantTimeEqual('abc', 'abd'), false);
    assert.equal(constantTimeEqual('abc', 'abcd'), false);
  });
});
