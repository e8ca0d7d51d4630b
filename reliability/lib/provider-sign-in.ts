import { loginFormFields } from '../../packages/provider/test/support/login-form.ts';
import type { Backend, SiteBrowser, StepResult } from './site-browser.ts';

export interface PreparedSignIn {
  browser: SiteBrowser;
  provider: Backend;
  fields: Record<string, string>;
  action: string;
}

/** Opens the provider's own sign-in page (CSRF cookie and field) for one attempt. */
export async function prepareSignIn(
  browser: SiteBrowser,
  provider: Backend,
  username: string,
  password: string,
): Promise<PreparedSignIn> {
  const page = await browser.get(provider, 'sign-in page', new URL('/login/', 'http://x'));
  const form = page.outcome === 200 ? loginFormFields(page.body, username, password) : undefined;
  if (form === undefined) throw new Error(`the provider's /login/ answered ${page.outcome}, without a form`);
  return { browser, provider, ...form };
}

/** Posts every prepared attempt at the same moment. */
export function postAll(prepared: PreparedSignIn[]): Promise<StepResult[]> {
  return Promise.all(
    prepared.map((p) => p.browser.postForm(p.provider, 'sign-in', new URL(p.action, 'http://x'), p.fields)),
  );
}
