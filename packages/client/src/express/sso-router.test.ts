import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KeyValueStore, memoryKeyValueStore } from '@ssokit/stores';
import { asyncOnlyStore } from '@ssokit/stores/testing';
import type { NextFunction, Request, Response } from 'express';
import { SessionManager } from '../session/session-manager.ts';
import { ssoClient } from './sso-router.ts';

const silent = { info() {}, warn() {}, error() {} };

/** A store holding one signed-in session, and that session's cookie. */
async function storeWithSession(store: KeyValueStore): Promise<string> {
  // The client's default lifetime: a shorter one would read as due for renewal.
  const sessions = new SessionManager({ store, ttlSeconds: 1_209_600 });
  const { token } = await sessions.create({ id: 7, username: 'ann', extras: { email: 'ann@example.com' } });
  return `ssokit_session=${token}`;
}

/** A plain request object whose `secure` getter counts its reads. */
function request(cookie: string) {
  const counter = { secureReads: 0 };
  const req = {
    method: 'GET',
    url: '/page',
    headers: { cookie },
    get secure() {
      counter.secureReads++;
      return false;
    },
  } as unknown as Request;
  return { req, counter };
}

function middlewareFor(store: KeyValueStore) {
  return ssoClient({
    providerUrl: 'http://127.0.0.1:9',
    apiKey: 'a'.repeat(32),
    secretKey: 's'.repeat(32),
    sessionStore: store,
    userStorage: 'cache',
    logger: silent,
  });
}

const response = { append() {} } as unknown as Response;

describe('ssoClient() per-request path', () => {
  it('sets req.user before returning when the session store lives in this process', async () => {
    const store = memoryKeyValueStore();
    const cookie = await storeWithSession(store);
    const { req, counter } = request(cookie);
    let nextCalls = 0;
    const returned = middlewareFor(store)(req, response, (() => nextCalls++) as NextFunction);
    assert.equal(returned, undefined, 'no promise for Express to handle');
    assert.equal(nextCalls, 1);
    assert.equal(req.user?.username, 'ann');
    assert.equal(req.sso?.error, undefined);
    assert.equal(counter.secureReads, 0, 'req.secure is read only to set a cookie');
    await store.close();
  });

  it('waits for a store elsewhere and then goes on with the user set', async () => {
    const memory = memoryKeyValueStore();
    const cookie = await storeWithSession(memory);
    const remote = asyncOnlyStore(memory);
    const { req } = request(cookie);
    let nextCalls = 0;
    const returned = middlewareFor(remote)(req, response, (() => nextCalls++) as NextFunction);
    assert.ok(returned instanceof Promise);
    assert.equal(nextCalls, 0);
    await returned;
    assert.equal(nextCalls, 1);
    assert.equal(req.user?.username, 'ann');
    await memory.close();
  });

  it('reads req.secure when it removes the cookie of a session that is gone', async () => {
    const store = memoryKeyValueStore();
    const { req, counter } = request(`ssokit_session=${'x'.repeat(43)}`);
    const cookies: string[] = [];
    const res = { append: (_name: string, value: string) => cookies.push(value) } as unknown as Response;
    middlewareFor(store)(req, res, (() => {}) as NextFunction);
    assert.equal(req.user, undefined);
    assert.equal(counter.secureReads, 1);
    assert.match(cookies[0] ?? '', /^ssokit_session=; Max-Age=0/);
    await store.close();
  });
});
