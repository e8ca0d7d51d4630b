import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryKeyValueStore } from '@ssokit/stores';
import { LoginStateStore, loginStateTokens, renewedLoginState } from './login-state.ts';

describe('login state', () => {
  it('renewedLoginState() binds a new token, never the one the browser brought', () => {
    const planted = 'P'.repeat(43);
    const { token, cookie } = renewedLoginState(planted);
    assert.notEqual(token, planted);
    assert.equal(cookie, `${token}.${planted}`);
  });

  it('keeps the three newest previous tokens and drops malformed ones', () => {
    let cookie: string | undefined = 'junk..<script>';
    const tokens: string[] = [];
    for (let i = 0; i < 6; i++) {
      const renewed = renewedLoginState(cookie);
      tokens.unshift(renewed.token);
      cookie = renewed.cookie;
    }
    assert.deepEqual(loginStateTokens(cookie), tokens.slice(0, 4));
    assert.deepEqual(loginStateTokens(`${'A'.repeat(43)}.${'x'.repeat(500)}`), []);
  });

  it('consume() finds the sign-in under any of the cookie tokens, once', async () => {
    const states = new LoginStateStore(memoryKeyValueStore(), 300);
    const first = renewedLoginState(undefined);
    await states.remember(first.token, 'request-1', { redirectTo: '/a' });
    const second = renewedLoginState(first.cookie);
    await states.remember(second.token, 'request-2', { redirectTo: '/b' });
    assert.equal(await states.consume(first.cookie, 'request-2'), undefined, 'not under the older cookie');
    assert.deepEqual(await states.consume(second.cookie, 'request-1'), { redirectTo: '/a' });
    assert.deepEqual(await states.consume(second.cookie, 'request-2'), { redirectTo: '/b' });
    assert.equal(await states.consume(second.cookie, 'request-2'), undefined);
  });
});
