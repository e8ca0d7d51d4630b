import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createProviderApp } from '../src/create-provider-app.ts';
import { type BrowserResponse, TestBrowser } from './support/browser.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { authTokenPath, loginPath, requestTokenPath } from './support/python2-sso-client.ts';

// The headers a page or an answer is made of; Date, Keep-Alive and the like are the server's.
const COMPARED_HEADERS = [
  'allow',
  'cache-control',
  'content-length',
  'content-security-policy',
  'content-type',
  'referrer-policy',
  'retry-after',
  'x-content-type-options',
  'x-frame-options',
];

/** What must be equal between the two ways of serving: tokens, dates and ports masked. */
function comparable(response: BrowserResponse) {
  const mask = (text: string) =>
    text
      .replace(/[0-9a-f]{32,64}/g, '<token>')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<date>')
      .replace(/127\.0\.0\.1:\d+/g, '<provider>');
  return {
    status: response.status,
    headers: COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]),
    location: response.location === null ? null : mask(response.location),
    setCookies: response.setCookies.map(mask),
    body: mask(response.body),
  };
}

/** One login and its refusals, as a browser and a Python 2 client send them. */
async function loginScenario(fixture: ProviderFixture) {
  const browser = new TestBrowser(fixture.url);
  const backChannel = new TestBrowser(fixture.url);
  const steps: Array<[string, BrowserResponse]> = [];
  const step = async (name: string, response: Promise<BrowserResponse>) => {
    const answer = await response;
    steps.push([name, answer]);
    return answer;
  };
  await step('unsigned call', backChannel.get('/sso/reqeusttoken/'));
  await step('HEAD of a signed call', backChannel.request('HEAD', requestTokenPath(fixture.client)));
  await step('POST to a signed endpoint', backChannel.request('POST', requestTokenPath(fixture.client)));
  const issued = await step('request token', backChannel.get(requestTokenPath(fixture.client)));
  const requestToken = (JSON.parse(issued.body) as { request_token: string }).request_token;
  const page = loginPath(fixture.client, requestToken, CALLBACK);
  await step('login page without parameters', browser.get('/sso/login/'));
  await step('login page with a bad escape', browser.get(`${page}&x=%ZZ`));
  await step('login form', browser.get(page));
  const ownForm = await browser.get('/login/');
  await browser.post('/login/', {
    csrf_token: TestBrowser.csrfField(ownForm.body),
    username: 'user1',
    password: '123',
    next: '',
  });
  const question = await step('continue as', browser.get(page));
  await step('continue as, linked', browser.get(`${page}&cwca=yes`));
  const csrf = TestBrowser.csrfField(question.body);
  const formType = { 'content-type': 'application/x-www-form-urlencoded' };
  await step(
    'form over the limit',
    browser.request('POST', page, { headers: formType, body: 'a'.repeat(17_000) }),
  );
  await step(
    'form as JSON',
    browser.request('POST', page, { headers: { 'content-type': 'application/json' }, body: '{}' }),
  );
  await step(
    'compressed form',
    browser.request('POST', page, { headers: { ...formType, 'content-encoding': 'gzip' }, body: 'x' }),
  );
  await step(
    'form not UTF-8',
    browser.request('POST', page, { headers: formType, body: Buffer.from([0x63, 0x3d, 0xff]) }),
  );
  await step(
    'form with a bad escape',
    browser.request('POST', page, { headers: formType, body: 'cwca=%ZZ' }),
  );
  await step(
    'form with a repeated field',
    browser.request('POST', page, { headers: formType, body: `csrf_token=${csrf}&cwca=yes&cwca=no` }),
  );
  await step('form without a body', browser.request('POST', page, { headers: formType }));
  await step('form without its CSRF token', browser.post(page, { cwca: 'yes' }));
  const continued = await step(
    'continued',
    browser.post(page, { csrf_token: TestBrowser.csrfField(question.body), cwca: 'yes' }),
  );
  await step('token already bound', browser.get(page));
  const authToken = new URL(continued.location ?? '').searchParams.get('auth_token') ?? '';
  await step('user', backChannel.get(authTokenPath(fixture.client, requestToken, authToken)));
  await step('redeemed twice', backChannel.get(authTokenPath(fixture.client, requestToken, authToken)));
  return steps.map(([name, response]) => [name, comparable(response)]);
}

/** The provider's app mounted in a parent Express app, which leaves every request to Express. */
async function mountedInExpress(fixture: ProviderFixture): Promise<{ url: string; server: Server }> {
  const parent = express();
  parent.use(createProviderApp(fixture.running.provider));
  const server = await new Promise<Server>((resolve) => {
    const listening = parent.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the SSO fast path in front of Express', () => {
  let fast: ProviderFixture;
  let expressOnly: ProviderFixture;
  let viaExpress: ProviderFixture;
  let parentServer: Server;
  before(async () => {
    fast = await startProviderFixture();
    expressOnly = await startProviderFixture();
    const mounted = await mountedInExpress(expressOnly);
    parentServer = mounted.server;
    viaExpress = { ...expressOnly, url: mounted.url };
  });
  after(async () => {
    parentServer.close();
    parentServer.closeAllConnections();
    await fast.close();
    await expressOnly.close();
  });

  it('answers every step of a login exactly as the Express routes do', async () => {
    const [fastSteps, expressSteps] = [await loginScenario(fast), await loginScenario(viaExpress)];
    assert.deepEqual(fastSteps, expressSteps);
    // The scenario reached the end: a user was answered, then the token was gone.
    const [, user] = fastSteps.at(-2) as [string, ReturnType<typeof comparable>];
    assert.equal(user.status, 200);
    assert.match(user.body, /"username": "user1"/);
    const statusOf = new Map(
      fastSteps.map(([name, answer]) => [name, (answer as { status: number }).status]),
    );
    assert.deepEqual(
      [
        'form over the limit',
        'form as JSON',
        'compressed form',
        'form not UTF-8',
        'form with a bad escape',
        'form with a repeated field',
        'form without a body',
        'form without its CSRF token',
      ].map((name) => statusOf.get(name)),
      [413, 415, 415, 400, 400, 400, 403, 403],
    );
  });

  it('leaves the requests of a provider mounted in another Express app to Express', async () => {
    const { url: base, server } = await mountedInExpress(fast);
    try {
      const answer = await new TestBrowser(base).get(requestTokenPath(fast.client));
      assert.equal(answer.status, 200);
      assert.match(answer.body, /^\{"request_token": "[0-9a-f]{32}"\}$/);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY');
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
