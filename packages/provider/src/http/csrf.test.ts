import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { memoryKeyValueStore } from '@ssokit/stores';
import { csrfTokens } from './csrf.ts';

const request = (cookie: string) => ({ headers: { cookie } }) as unknown as IncomingMessage;
const response = () => {
  const cookies: string[] = [];
  const res = { appendHeader: (_name: string, value: string) => cookies.push(value) };
  return { res: res as unknown as ServerResponse, cookies };
};
const csrfCookie = 'ab'.repeat(32);
const fields = (token: string) => new Map([['csrf_token', token]]);

describe('csrfTokens', () => {
  it('gives a form field that is not the cookie and that only this cookie matches', async () => {
    const csrf = csrfTokens(memoryKeyValueStore(), 't:', Date.now);
    const req = request(`ssokit_provider_csrf=${csrfCookie}`);
    const token = await csrf.tokenFor(req, response().res, false);
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.notEqual(token, csrfCookie);
    assert.equal(await csrf.matches(req, fields(token)), true);
    assert.equal(await csrf.matches(req, fields(csrfCookie)), false, 'the cookie itself is no token');
    const other = request(`ssokit_provider_csrf=${'cd'.repeat(32)}`);
    assert.equal(await csrf.matches(other, fields(token)), false);
  });

  it('binds the form of a signed-in browser to its provider session', async () => {
    const csrf = csrfTokens(memoryKeyValueStore(), 't:', Date.now);
    const signedIn = request(`ssokit_provider_csrf=${csrfCookie}; ssokit_provider_session=victim`);
    const token = await csrf.tokenFor(signedIn, response().res, false);
    assert.equal(await csrf.matches(signedIn, fields(token)), true);
    const attacker = request(`ssokit_provider_csrf=${csrfCookie}; ssokit_provider_session=attacker`);
    assert.equal(
      await csrf.matches(attacker, fields(await csrf.tokenFor(attacker, response().res, false))),
      true,
    );
    assert.equal(
      await csrf.matches(signedIn, fields(await csrf.tokenFor(attacker, response().res, false))),
      false,
    );
  });

  it('sets a new cookie for a browser without one, and processes on one store accept each other', async () => {
    const store = memoryKeyValueStore();
    const first = csrfTokens(store, 't:', Date.now);
    const second = csrfTokens(store, 't:', Date.now);
    const { res, cookies } = response();
    const token = await first.tokenFor(request(''), res, true);
    const value = /^ssokit_provider_csrf=([0-9a-f]{64});/.exec(cookies[0] ?? '')?.[1];
    assert.ok(value !== undefined && /Secure/.test(cookies[0] ?? ''));
    assert.equal(await second.matches(request(`ssokit_provider_csrf=${value}`), fields(token)), true);
    const elsewhere = csrfTokens(memoryKeyValueStore(), 't:', Date.now);
    assert.equal(await elsewhere.matches(request(`ssokit_provider_csrf=${value}`), fields(token)), false);
  });
});
