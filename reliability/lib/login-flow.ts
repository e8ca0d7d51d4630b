import { loginFormFields } from '../../packages/provider/test/support/login-form.ts';
import type { Backend, SiteBrowser, StepResult } from './site-browser.ts';

/** Which process serves each step of one login. */
export interface LoginRoute {
  start: Backend;
  form: Backend;
  post: Backend;
  callback: Backend;
  check: Backend;
}

/** One login as the browser saw it. */
export interface LoginRecord {
  account: string;
  ok: boolean;
  /** The step that did not answer as a login needs (undefined when the login completed). */
  failure: StepResult | undefined;
  steps: StepResult[];
  startedAt: number;
  endedAt: number;
}

/** Whether the example app's home page shows this user signed in. */
export function showsSignedIn(step: StepResult, username: string): boolean {
  return step.outcome === 200 && step.body.includes(`id="username">${username}<`);
}

/**
 * One full login, each step on the process the route names: the login start at a client
 * app, the provider's form, the posted form, the callback at a client app, then the home
 * page showing the user. A step counts as failed when it does not answer as a login needs.
 */
export async function fullLogin(
  browser: SiteBrowser,
  route: LoginRoute,
  account: string,
  password: string,
): Promise<LoginRecord> {
  const startedAt = Date.now();
  const steps: StepResult[] = [];
  const finish = (failure: StepResult | undefined): LoginRecord => ({
    account,
    ok: failure === undefined,
    failure,
    steps: steps.map((step) => ({ ...step, body: '' })),
    startedAt,
    endedAt: Date.now(),
  });
  const take = (step: StepResult) => {
    steps.push(step);
    return step;
  };

  const start = take(
    await browser.get(route.start, 'login start', new URL('/accounts/login/?next=%2F', 'http://x')),
  );
  if (start.outcome !== 302 || start.location === undefined) return finish(start);
  const form = take(await browser.get(route.form, 'provider form', start.location));
  const filled = form.outcome === 200 ? loginFormFields(form.body, account, password) : undefined;
  if (filled === undefined) return finish(form);
  const posted = take(
    await browser.postForm(route.post, 'form post', new URL(filled.action, start.location), filled.fields),
  );
  if (posted.outcome !== 302 || posted.location === undefined) return finish(posted);
  const callback = take(await browser.get(route.callback, 'callback', posted.location));
  if (callback.outcome !== 302 || callback.location?.pathname !== '/') return finish(callback);
  const check = take(await browser.get(route.check, 'home page', new URL('/', 'http://x')));
  return finish(showsSignedIn(check, account) ? undefined : check);
}

/** The home page at a client process still shows the user (a session kept). */
export async function stillSignedIn(
  browser: SiteBrowser,
  backend: Backend,
  account: string,
): Promise<StepResult & { kept: boolean }> {
  const step = await browser.get(backend, 'session check', new URL('/', 'http://x'));
  return { ...step, kept: showsSignedIn(step, account) };
}
