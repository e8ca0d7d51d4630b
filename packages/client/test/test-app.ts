import type { SsoClientConfig } from '../src/config/client-config.ts';
import type { SsoHandlerOptions } from '../src/core/sso-handler.ts';
import type { SsoClient } from '../src/create-sso-client.ts';
import type { SsoLogger } from '../src/logging/sso-logger.ts';
import type { RegisteredExtras } from '../src/user/sso-user.ts';
import { startExpressTestApp } from './apps/express-test-app.ts';
import { startFastifyTestApp } from './apps/fastify-test-app.ts';
import { startFetchTestApp } from './apps/fetch-test-app.ts';
import { startHonoTestApp } from './apps/hono-test-app.ts';
import { type BrowserResponse, linkHref, type TestBrowser } from './test-browser.ts';

/** Every adapter the shared cases run through. */
export const FRAMEWORKS = ['express', 'fastify', 'hono', 'fetch'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export type TestAppConfig = SsoClientConfig & SsoHandlerOptions;

export interface TestApp {
  /** `http://localhost:PORT`: the host name differs from the provider's 127.0.0.1, as in the transcripts. */
  url: string;
  host: string;
  client: SsoClient<RegisteredExtras>;
  close(): Promise<void>;
}

/** A logger that keeps lines for assertions and prints nothing. */
export function memoryLogger(): SsoLogger & {
  lines: { level: string; details: object; message?: string }[];
} {
  const lines: { level: string; details: object; message?: string }[] = [];
  const log = (level: string) => (details: object, message?: string) => {
    lines.push({ level, details, ...(message === undefined ? {} : { message }) });
  };
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * An app like the original demo, through one adapter: `/` says who is signed in, `/me` is the
 * user as JSON, `/private` and `/api/data` require login.
 */
export function startTestApp(config: TestAppConfig, framework: Framework = 'express'): Promise<TestApp> {
  const withLogger = { logger: memoryLogger(), ...config };
  switch (framework) {
    case 'express':
      return startExpressTestApp(withLogger);
    case 'fastify':
      return startFastifyTestApp(withLogger);
    case 'hono':
      return startHonoTestApp(withLogger);
    case 'fetch':
      return startFetchTestApp(withLogger);
  }
}

/** Every hidden input of a page, by name (the provider's CSRF field, `next`). */
export function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) fields[name] = value.replaceAll('&amp;', '&');
  }
  return fields;
}

/** Submits a provider login form (the SSO page or the provider's own `/login/`). */
export async function submitProviderForm(
  browser: TestBrowser,
  loginPage: BrowserResponse,
  username: string,
  password: string,
): Promise<BrowserResponse> {
  if (!/<input type="password"/.test(loginPage.body)) throw new Error(`no login form at ${loginPage.url}`);
  return browser.request(loginPage.url, { form: { ...hiddenInputs(loginPage.body), username, password } });
}

/**
 * Picks "continue" or "switch account" on the provider's "Continue with current user?" page:
 * a link there (the original dj-sso-server), or a button of a POST form (ssokit's provider).
 */
export async function chooseOnContinuePage(
  browser: TestBrowser,
  page: BrowserResponse,
  label: 'continue' | 'switch account',
): Promise<BrowserResponse> {
  const link = linkHref(page.body, label);
  if (link !== undefined) return browser.request(new URL(link, page.url).href);
  const button = new RegExp(`<button [^>]*name="([^"]+)" value="([^"]*)"[^>]*>${label}</button>`).exec(
    page.body,
  );
  if (button?.[1] === undefined || button[2] === undefined) {
    throw new Error(`no "${label}" link or button at ${page.url}`);
  }
  return browser.request(page.url, { form: { ...hiddenInputs(page.body), [button[1]]: button[2] } });
}

/** Signs in at the provider itself (its own `/login/`), which starts a provider session. */
export async function signInAtProviderSite(
  browser: TestBrowser,
  providerUrl: string,
  user: { username: string; password: string },
): Promise<void> {
  const page = await browser.request(`${providerUrl}/login/`);
  const answer = await submitProviderForm(browser, page, user.username, user.password);
  if (answer.status !== 302) throw new Error(`provider /login/ answered ${answer.status}`);
}

/**
 * The whole sign-in of transcript 01 up to the provider's redirect to the callback, which is
 * returned unfollowed: `{ start, callback }` (callback.location is the client's callback URL).
 */
export async function signInAtProvider(
  browser: TestBrowser,
  app: TestApp,
  user: { username: string; password: string },
  next?: string,
): Promise<{ start: BrowserResponse; callback: BrowserResponse }> {
  const start = await browser.request(
    `${app.url}/accounts/login/${next === undefined ? '' : `?next=${encodeURIComponent(next)}`}`,
  );
  if (start.status !== 302 || start.location === undefined)
    throw new Error(`login answered ${start.status}: ${start.body}`);
  const page = await browser.request(start.location);
  const callback = await submitProviderForm(browser, page, user.username, user.password);
  if (callback.status !== 302) throw new Error(`provider answered ${callback.status}`);
  return { start, callback };
}

/** Signs in completely; returns the callback's answer (302 to the target, with the session cookie). */
export async function signIn(
  browser: TestBrowser,
  app: TestApp,
  user: { username: string; password: string },
  next?: string,
): Promise<BrowserResponse> {
  const { callback } = await signInAtProvider(browser, app, user, next);
  if (callback.location === undefined) throw new Error('no callback location');
  return browser.request(callback.location);
}
