import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KeyValueStore, memoryKeyValueStore } from '@ssokit/stores';
import { asyncOnlyStore } from '@ssokit/stores/testing';
import { storeUnavailable } from '../client-context.ts';
import { createSsoClient } from '../create-sso-client.ts';
import { SessionManager } from '../session/session-manager.ts';
import { createSsoHandler, isAnswer, type SsoOutcome } from './sso-handler.ts';
import type { SsoAnswer, SsoHttpRequest } from './sso-http.ts';

const silent = { info() {}, warn() {}, error() {} };

function handlerFor(store: KeyValueStore = memoryKeyValueStore(), options = {}) {
  const client = createSsoClient({
    providerUrl: 'http://127.0.0.1:9',
    apiKey: 'a'.repeat(32),
    secretKey: 's'.repeat(32),
    sessionStore: store,
    userStorage: 'cache',
    timeoutMs: 200,
    logger: silent,
  });
  return createSsoHandler(client, options);
}

function request(url: string, headers: Record<string, string> = {}, method = 'GET'): SsoHttpRequest {
  return { method, url, headers: { host: 'app.example', ...headers }, secure: false };
}

async function answerOf(outcome: SsoOutcome<object> | Promise<SsoOutcome<object>>): Promise<SsoAnswer> {
  const done = await outcome;
  assert.ok(isAnswer(done), 'the core answered');
  return done;
}

async function signedInCookie(store: KeyValueStore): Promise<string> {
  const sessions = new SessionManager({ store, ttlSeconds: 1_209_600 });
  const { token } = await sessions.create({ id: 7, username: 'ann', extras: {} });
  return `ssokit_session=${token}`;
}

describe('the request core', () => {
  it('answers the user of a request that is not an SSO route at once, without a promise', async () => {
    const store = memoryKeyValueStore();
    const cookie = await signedInCookie(store);
    const outcome = handlerFor(store).handle(request('/page?x=1', { cookie }));
    assert.ok(!(outcome instanceof Promise));
    assert.ok(!isAnswer(outcome));
    assert.equal(outcome.user?.username, 'ann');
  });

  it('waits for a store in another process and then gives the user', async () => {
    const memory = memoryKeyValueStore();
    const cookie = await signedInCookie(memory);
    const outcome = handlerFor(asyncOnlyStore(memory)).handle(request('/page', { cookie }));
    assert.ok(outcome instanceof Promise);
    const done = await outcome;
    assert.ok(!isAnswer(done));
    assert.equal(done.user?.username, 'ann');
  });

  it('takes the SSO routes with and without their trailing slash, and nothing longer', async () => {
    const handler = handlerFor();
    for (const url of ['/accounts/logout/', '/accounts/logout', '/accounts/logout/?next=/x']) {
      assert.ok(isAnswer(await handler.handle(request(url, {}, 'POST'))), url);
    }
    for (const url of ['/accounts/logout/x', '/accounts/logou', '/accounts/logoutx', '/other']) {
      assert.ok(!isAnswer(await handler.handle(request(url, {}, 'POST'))), url);
    }
    assert.ok(!isAnswer(await handler.handle(request('/accounts/login/', {}, 'POST'))), 'no POST login');
    assert.ok(!isAnswer(await handler.handle(request('/accounts/login/', {}, 'PUT'))), 'no PUT');
  });

  it('refuses to build a callback URL from a Host header that is not a plain host: 400', async () => {
    const handler = handlerFor();
    for (const host of ['evil.example/path', 'a b', 'x@evil.example']) {
      const answer = await answerOf(handler.handle(request('/accounts/login/', { host })));
      assert.equal(answer.status, 400, host);
      assert.match(answer.body, /no valid Host header/);
    }
    const none = await answerOf(handler.handle({ method: 'GET', url: '/accounts/login/', headers: {} }));
    assert.equal(none.status, 400);
  });

  it('answers a failed step as JSON to API callers and as an escaped page otherwise', async () => {
    const handler = handlerFor();
    const json = await answerOf(
      handler.handle(request('/accounts/login/', { host: 'bad host', accept: 'application/json' })),
    );
    assert.equal(json.headers['Content-Type'], 'application/json; charset=utf-8');
    assert.equal(JSON.parse(json.body).error, 'MALFORMED_REQUEST');
    const page = await answerOf(handler.handle(request('/accounts/login/', { host: 'bad host' })));
    assert.equal(page.headers['Content-Type'], 'text/html; charset=utf-8');
    assert.match(page.body, /^<!doctype html>/);
  });

  it('refuses login and logout paths outside the path rule, naming the option', () => {
    assert.throws(() => handlerFor(undefined, { loginPath: '//evil.example/' }), {
      name: 'TypeError',
      message: /^client\.loginPath must be a path starting with "\/"/,
    });
    assert.throws(() => handlerFor(undefined, { logoutPath: '/out?x' }), { message: /^client\.logoutPath / });
  });

  it('decides requireLogin() with one outcome per case', () => {
    const handler = handlerFor();
    const user = { id: 1, username: 'ann', extras: {} };
    const page = request('/private?tab=2');
    const api = request('/api', { accept: 'application/json' });
    assert.equal(handler.requireLogin({ user, error: undefined }, page).outcome, 'signed-in');
    const redirect = handler.requireLogin({ user: undefined, error: undefined }, page);
    assert.equal(redirect.outcome, 'redirect');
    assert.equal(redirect.answer?.headers.Location, '/accounts/login/?next=%2Fprivate%3Ftab%3D2');
    const unauthorized = handler.requireLogin({ user: undefined, error: undefined }, api);
    assert.equal(unauthorized.outcome, 'unauthorized');
    assert.equal(unauthorized.answer?.status, 401);
    assert.deepEqual(JSON.parse(unauthorized.answer?.body ?? ''), {
      error: 'LOGIN_REQUIRED',
      message: 'sign-in required',
    });
    const error = storeUnavailable(new Error('connect ECONNREFUSED'), 'session store');
    const unavailable = handler.requireLogin({ user: undefined, error }, page);
    assert.equal(unavailable.outcome, 'unavailable');
    assert.equal(unavailable.answer?.status, 503);
  });
});
