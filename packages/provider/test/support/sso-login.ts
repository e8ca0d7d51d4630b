import assert from 'node:assert/strict';
import { TestBrowser } from './browser.ts';
import { CALLBACK, type ProviderFixture } from './provider-fixture.ts';
import { authTokenPath, loginPath, requestTokenPath } from './python2-sso-client.ts';

export interface SsoLoginTrace {
  requestToken: string;
  authToken: string;
  /** The `authtoken/` answer's status. */
  status: number;
}

/** One whole SSO login with a password, as the original client makes it; the tokens it used. */
export async function ssoLogin(
  fixture: ProviderFixture,
  username: string,
  password: string,
): Promise<SsoLoginTrace> {
  const issued = await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`);
  const { request_token: requestToken } = (await issued.json()) as { request_token: string };
  const browser = new TestBrowser(fixture.url);
  const url = loginPath(fixture.client, requestToken, CALLBACK);
  const form = await browser.get(url);
  const posted = await browser.post(url, {
    csrf_token: TestBrowser.csrfField(form.body),
    username,
    password,
  });
  assert.equal(posted.status, 302, posted.body);
  const authToken = new URL(posted.location ?? '').searchParams.get('auth_token') ?? '';
  const answer = await fetch(`${fixture.url}${authTokenPath(fixture.client, requestToken, authToken)}`);
  await answer.text();
  return { requestToken, authToken, status: answer.status };
}

/** A sign-in at the provider's own `/login/`; the browser keeps the session cookie. */
export async function ownSignIn(browser: TestBrowser, username: string, password: string) {
  const form = await browser.get('/login/');
  return browser.post('/login/', { csrf_token: TestBrowser.csrfField(form.body), username, password });
}
