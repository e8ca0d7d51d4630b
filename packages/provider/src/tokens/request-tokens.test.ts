import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSsoError } from '@ssokit/protocol';
import { memoryKeyValueStore } from '@ssokit/stores';
import { requestTokens } from './request-tokens.ts';

function setup() {
  let clock = 1_800_000_000_000;
  const store = memoryKeyValueStore({ now: () => clock });
  const tokens = requestTokens({ store, now: () => clock });
  return { tokens, store, advance: (ms: number) => (clock += ms) };
}

async function wireError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isSsoError(error));
    assert.equal(error.status, 403);
    return error.wireMessage;
  }
  assert.fail('expected a refusal');
}

describe('requestTokens()', () => {
  it('issues 128-bit hex tokens that differ every time', async () => {
    const { tokens } = setup();
    const a = await tokens.issue('key');
    const b = await tokens.issue('key');
    assert.match(a.token, /^[0-9a-f]{32}$/);
    assert.notEqual(a.token, b.token);
  });

  it('keeps a token for 240 seconds by default', async () => {
    const { tokens, advance } = setup();
    const { token } = await tokens.issue('key');
    advance(239_000);
    assert.ok(await tokens.inspect(token));
    advance(2_000);
    assert.equal(await tokens.inspect(token), undefined);
  });

  it('redeems a bound token once, with the auth token from bind()', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue('key');
    const authToken = await tokens.bind(token, 7);
    assert.match(authToken ?? '', /^[0-9a-f]{64}$/);
    assert.equal(await tokens.redeem(token, 'key', authToken ?? ''), 7);
    assert.equal(await wireError(tokens.redeem(token, 'key', authToken ?? '')), 'request token not found');
  });

  it('answers "request token error" for an unbound token and leaves it usable', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue('key');
    assert.equal(await wireError(tokens.redeem(token, 'key', 'a'.repeat(64))), 'request token error');
    assert.equal(await wireError(tokens.redeem(token, 'key', 'a'.repeat(64))), 'request token error');
    const authToken = await tokens.bind(token, 1);
    assert.equal(await tokens.redeem(token, 'key', authToken ?? ''), 1);
  });

  it('deletes a bound token on a wrong auth token, so the right one then finds nothing', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue('key');
    const authToken = await tokens.bind(token, 1);
    assert.equal(await wireError(tokens.redeem(token, 'key', '0'.repeat(64))), 'auth token error');
    assert.equal(await wireError(tokens.redeem(token, 'key', authToken ?? '')), 'request token not found');
  });

  it('reads a token asked for by another API key as not found, without consuming it', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue('key-a');
    const authToken = await tokens.bind(token, 1);
    assert.equal(await wireError(tokens.redeem(token, 'key-b', authToken ?? '')), 'request token not found');
    assert.equal(await tokens.redeem(token, 'key-a', authToken ?? ''), 1);
  });

  it('lets only the first of two sign-ins bind a token', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue('key');
    const [first, second] = await Promise.all([tokens.bind(token, 1), tokens.bind(token, 2)]);
    assert.equal([first, second].filter((value) => value !== undefined).length, 1);
    assert.equal((await tokens.inspect(token))?.bound, true);
  });

  it('refuses an expired token even while the store still holds it', async () => {
    const { tokens, advance } = setup();
    const { token } = await tokens.issue('key');
    const authToken = await tokens.bind(token, 1);
    advance(240_001);
    assert.equal(await tokens.bind(token, 1), undefined);
    assert.equal(await wireError(tokens.redeem(token, 'key', authToken ?? '')), 'request token not found');
  });

  it('never looks up junk such as the string "None" the original client sends', async () => {
    const { tokens } = setup();
    assert.equal(await tokens.inspect('None'), undefined);
    assert.equal(await wireError(tokens.redeem('None', 'key', 'None')), 'request token not found');
  });

  it('keeps neither the request token nor the auth token in store keys or values', async () => {
    const written: string[] = [];
    const store = memoryKeyValueStore();
    const spy = {
      ...store,
      set: async (key: string, value: string, ttl: number) => {
        written.push(key, value);
        return store.set(key, value, ttl);
      },
      add: async (key: string, value: string, ttl: number) => {
        written.push(key, value);
        return store.add(key, value, ttl);
      },
    };
    const tokens = requestTokens({ store: spy });
    const { token } = await tokens.issue('key');
    const authToken = (await tokens.bind(token, 1)) ?? '';
    assert.ok(written.length >= 4);
    for (const text of written) {
      assert.ok(!text.includes(token));
      assert.ok(!text.includes(authToken));
    }
  });
});
