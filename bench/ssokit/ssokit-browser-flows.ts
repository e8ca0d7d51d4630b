import { hiddenField, loginFormFields } from '../../packages/provider/test/support/login-form.ts';
import { type BrowserResponse, expectStatus, type HttpBrowser } from '../lib/http-browser.ts';
import type { BenchAccount } from '../login/bench-account.ts';
import { CLIENT_LOGIN_PATH } from './ssokit-client-app.ts';

/** A hidden field of the page, which must have it. */
function requiredField(page: BrowserResponse, name: string): string {
  const value = hiddenField(page.body, name);
  if (value === undefined) throw new Error(`${page.url.pathname}: the page has no ${name} field`);
  return value;
}

/** Fills in and posts the login form on a page, as a user would. */
async function submitLoginForm(
  browser: HttpBrowser,
  page: BrowserResponse,
  account: BenchAccount,
): Promise<BrowserResponse> {
  const form = loginFormFields(page.body, account.username, account.password);
  if (form === undefined) throw new Error(`${page.url.pathname}: the page has no login form`);
  return browser.postForm(new URL(form.action, page.url), form.fields);
}

/**
 * What the user does on the provider's SSO page: presses "Continue as" (a browser signed in at
 * the provider) or fills in the login form (a fresh browser). Answers the provider's response,
 * a redirect to the client's callback when all went well.
 */
export async function answerSsoPage(
  browser: HttpBrowser,
  page: BrowserResponse,
  mode: 'continue-as' | 'password',
  account: BenchAccount,
): Promise<BrowserResponse> {
  if (mode === 'continue-as') {
    if (!page.body.includes('name="cwca" value="yes"'))
      throw new Error('provider sso page: no "continue" button (no provider session?)');
    // The "continue" button posts the page's form back to its own URL.
    return browser.postForm(page.url, { csrf_token: requiredField(page, 'csrf_token'), cwca: 'yes' });
  }
  if (page.body.includes('name="cwca"'))
    throw new Error('provider sso page: a fresh browser was offered "continue"');
  return submitLoginForm(browser, page, account);
}

/** Signs the browser in at the provider itself (its own `/login/`): a provider session. */
export async function signInAtProvider(
  browser: HttpBrowser,
  providerUrl: URL,
  account: BenchAccount,
): Promise<void> {
  const page = expectStatus('provider /login/', await browser.get(new URL('/login/', providerUrl)), 200);
  expectStatus('provider /login/ POST', await submitLoginForm(browser, page, account), 302);
}

/**
 * One login at the client app, the way a browser goes: the client's login route, the
 * provider's SSO page ("Continue as" button or login form), the client's callback. Ends when the
 * callback has redirected to `/me` with the session cookie.
 */
export async function loginAtClient(
  browser: HttpBrowser,
  clientUrl: URL,
  mode: 'continue-as' | 'password',
  account: BenchAccount,
): Promise<void> {
  const start = expectStatus(
    'client login',
    await browser.get(new URL(`${CLIENT_LOGIN_PATH}?next=%2Fme`, clientUrl)),
    302,
  );
  const page = expectStatus('provider sso page', await browser.get(start.location as URL), 200);
  const toCallback = expectStatus(
    'provider sso answer',
    await answerSsoPage(browser, page, mode, account),
    302,
  );
  const done = expectStatus('client callback', await browser.get(toCallback.location as URL), 302);
  if (done.location?.pathname !== '/me')
    throw new Error(`client callback redirected to ${done.location?.href}`);
}

/** Checks that the browser is signed in at the client app: `GET /me` answers its user. */
export async function assertSignedInAtClient(
  browser: HttpBrowser,
  clientUrl: URL,
  account: BenchAccount,
): Promise<void> {
  const me = expectStatus('client /me', await browser.get(new URL('/me', clientUrl)), 200);
  if (!me.body.includes(`"${account.username}"`))
    throw new Error(`client /me answered ${me.body.slice(0, 200)}`);
}

/**
 * The `Cookie` header of the client app's session alone: the pending-login cookie the client
 * leaves behind expires 5 minutes after the login, and most of a user's requests come later.
 */
export function sessionCookieAtClient(browser: HttpBrowser, clientUrl: URL): string {
  const session = browser
    .cookieHeader(clientUrl)
    .split('; ')
    .find((c) => c.startsWith('ssokit_session='));
  if (session === undefined) throw new Error('no ssokit_session cookie after the login');
  return session;
}
