import { fileURLToPath } from 'node:url';
import { nextMessage, spawnPinned, stopChild } from '../lib/child-process.ts';
import { type BrowserResponse, expectStatus, type HttpBrowser } from '../lib/http-browser.ts';
import type { BenchAccount } from './bench-account.ts';
import { type ProcessWrapper, type TwoProcessLoginSystem, unwrapped } from './login-flow.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const CLIENT_ID = 'bench-rp';
const CLIENT_SECRET = 'bench-rp-secret-0123456789abcdef';

/** The callback's answer must be the signed-in redirect, never an error page. */
function expectSignedInRedirect(step: string, response: BrowserResponse): void {
  expectStatus(step, response, 302);
  if (response.location?.pathname !== '/me')
    throw new Error(`${step}: redirected to ${response.location?.href}`);
}

/**
 * The baseline: oidc-provider (OP, core 1) and an openid-client Express RP (core 0), code
 * flow with PKCE, claims in the ID token.
 */
export async function startOidcLoginSystem(
  options: { wrap?: ProcessWrapper } = {},
): Promise<TwoProcessLoginSystem> {
  const wrap = options.wrap ?? unwrapped;
  // Under valgrind start-up takes minutes.
  const startTimeoutMs = options.wrap === undefined ? undefined : 600_000;
  // Both start at once and listen; then the OP learns the RP's callback URL, the RP the issuer.
  const args = [CLIENT_ID, CLIENT_SECRET];
  const [clientWrap, providerWrap] = [wrap('client'), wrap('provider')];
  const client = spawnPinned(
    here('./oidc-relying-party-server.ts'),
    args,
    0,
    clientWrap.nodeOptions,
    clientWrap.command,
  );
  const provider = spawnPinned(
    here('./oidc-provider-server.ts'),
    args,
    1,
    providerWrap.nodeOptions,
    providerWrap.command,
  );
  let clientUrl: URL;
  try {
    const [listening] = await Promise.all([
      nextMessage<{ type: 'listening'; url: string; redirectUri: string }>(
        client,
        'listening',
        startTimeoutMs,
      ),
      nextMessage(provider, 'listening', startTimeoutMs),
    ]);
    provider.send({ type: 'configure', redirectUri: listening.redirectUri });
    const { url: issuer } = await nextMessage<{ type: 'ready'; url: string }>(
      provider,
      'ready',
      startTimeoutMs,
    );
    client.send({ type: 'configure', issuer });
    await nextMessage(client, 'ready', startTimeoutMs);
    clientUrl = new URL(listening.url);
  } catch (error) {
    await Promise.all([stopChild(provider), stopChild(client)]);
    throw error;
  }

  // Up to the OP's answer to /auth: a redirect to the interaction or straight back with a code.
  const startLogin = async (browser: HttpBrowser) => {
    const login = expectStatus('rp /login', await browser.get(new URL('/login', clientUrl)), 302);
    return expectStatus('op /auth', await browser.get(login.location as URL), 302, 303);
  };
  const finishAtCallback = async (browser: HttpBrowser, toCallback: BrowserResponse) => {
    if (toCallback.location?.pathname !== '/callback') {
      throw new Error(`op sent the browser to ${toCallback.location?.pathname}, not the callback`);
    }
    expectSignedInRedirect('rp /callback', await browser.get(toCallback.location));
  };
  const passwordLogin = async (browser: HttpBrowser, account: BenchAccount) => {
    const toInteraction = await startLogin(browser);
    const page = expectStatus('op interaction', await browser.get(toInteraction.location as URL), 200);
    const action = /action="([^"]+)"/.exec(page.body)?.[1];
    if (action === undefined) throw new Error('op interaction page has no form');
    const submitted = expectStatus(
      'op login',
      await browser.postForm(new URL(action, page.url), {
        username: account.username,
        password: account.password,
      }),
      303,
    );
    const toCallback = expectStatus('op resume', await browser.get(submitted.location as URL), 302, 303);
    await finishAtCallback(browser, toCallback);
  };

  return {
    name: 'oidc-provider + openid-client',
    processes: { provider, client },
    clientOrigin: clientUrl,
    signIn: passwordLogin,
    passwordLogin,
    async continueAs(browser) {
      await finishAtCallback(browser, await startLogin(browser));
    },
    async assertSignedIn(browser, account) {
      const me = expectStatus('rp /me', await browser.get(new URL('/me', clientUrl)), 200);
      if (!me.body.includes(`"${account.username}"`)) throw new Error(`rp /me answered ${me.body}`);
    },
    async stop() {
      await Promise.all([stopChild(provider), stopChild(client)]);
    },
  };
}
