import type { AddressInfo } from 'node:net';
import express from 'express';
import { requireLogin, type SsoExpressConfig, type SsoRouter, ssoClient } from '../src/express/index.ts';
import type { SsoLogger } from '../src/logging/sso-logger.ts';
import { type BrowserResponse, linkHref, type TestBrowser } from './test-browser.ts';

export interface TestApp {
  /** `http://localhost:PORT`: the host name differs from the provider's 127.0.0.1, as in the transcripts. */
  url: string;
  host: string;
  router: SsoRouter;
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

/** An Express 5 app like the original demo: a home page, a private page, a JSON API. */
export async function startTestApp(config: SsoExpressConfig): Promise<TestApp> {
  const app = express();
  const router = ssoClient({ logger: memoryLogger(), ...config });
  app.use(router);
  app.get('/', (req, res) => {
    res.type('text').send(req.user ? `hello ${req.user.username}` : 'anonymous');
  });
  app.get('/me', (req, res) => {
    res.json(req.user ?? null);
  });
  app.get('/private', requireLogin(), (req, res) => {
    res.type('text').send(`private page of ${req.user?.username} <${String(req.user?.email)}>`);
  });
  app.get('/api/data', requireLogin(), (req, res) => {
    res.json({ for: req.user?.username });
  });
  // Dual-stack listen: "localhost" may resolve to ::1 or 127.0.0.1.
  const server = app.listen(0);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    host: `localhost:${port}`,
    router,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await router.client.close();
    },
  };
}

/** Every hidden input of a page, by name (the provider's CSRF field, `next`). */
function hiddenInputs(html: string): Record<string, string> {
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
