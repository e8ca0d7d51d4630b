import { fileURLToPath } from 'node:url';
import { DEFAULT_CALLBACK_PATH } from '@ssokit/provider';
import { ProviderApi } from '../../packages/client/src/login/provider-api.ts';
import { nextMessage, spawnPinned, stopChild } from '../lib/child-process.ts';
import { expectStatus, type HttpBrowser } from '../lib/http-browser.ts';
import { answerSsoPage, signInAtProvider } from '../ssokit/ssokit-browser-flows.ts';
import { BENCH_API_KEY, BENCH_SECRET } from '../ssokit/ssokit-provider.ts';
import type { BenchAccount } from './bench-account.ts';
import type { RunningLoginSystem } from './login-flow.ts';
import type { SsokitProviderServerConfig } from './ssokit-provider-server.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * The client app's host as registered at the provider. Nothing listens there: the bench
 * process plays the client app, reads the tokens off the redirect to its callback and makes
 * the app's two signed calls itself.
 */
const PLAYED_CLIENT = new URL('http://127.0.0.1:9');

export interface ProviderAloneSystemOptions {
  provider?: SsokitProviderServerConfig;
}

/**
 * ssokit's provider alone on its core, the bench process playing both the browsers and the
 * client app (its `reqeusttoken/` and `authtoken/` calls, signed by the client's own
 * `ProviderApi`): a login costs the provider what it costs in the full system, and nothing
 * else shares its core, so the logins per second are the provider's own throughput.
 */
export async function startProviderAloneSystem(
  options: ProviderAloneSystemOptions = {},
): Promise<RunningLoginSystem> {
  const provider = spawnPinned(
    here('./ssokit-provider-server.ts'),
    [JSON.stringify(options.provider ?? {})],
    // Core 1: the caller runs the bench process on core 0.
    1,
  );
  try {
    const { url } = await nextMessage<{ type: 'ready'; url: string }>(provider, 'ready', 60_000);
    provider.send({ type: 'register-client', host: PLAYED_CLIENT.host });
    await nextMessage(provider, 'client-registered', 60_000);
    const providerUrl = new URL(url);
    const api = new ProviderApi({
      providerUrl: url.replace(/\/$/, ''),
      remotePrefix: '/sso/',
      apiKey: BENCH_API_KEY,
      secretKey: BENCH_SECRET,
      timeoutMs: 30_000,
      maxResponseBytes: 64 * 1024,
    });
    const login = async (browser: HttpBrowser, mode: 'continue-as' | 'password', account: BenchAccount) => {
      const requestToken = await api.newRequestToken();
      const next = new URL(DEFAULT_CALLBACK_PATH, PLAYED_CLIENT);
      next.searchParams.set('redirect', '/me');
      const query = new URLSearchParams({
        api_key: BENCH_API_KEY,
        request_token: requestToken,
        next: next.href,
      });
      const page = expectStatus(
        'provider sso page',
        await browser.get(`${api.loginPageBase()}?${query}`),
        200,
      );
      const answer = await answerSsoPage(browser, page, mode, account);
      const callback = expectStatus('provider sso answer', answer, 302).location;
      if (callback?.host !== PLAYED_CLIENT.host) throw new Error(`provider redirected to ${callback?.href}`);
      const authToken = callback.searchParams.get('auth_token');
      if (authToken === null) throw new Error('the redirect to the callback has no auth_token');
      const user = await api.userForTokens(requestToken, authToken);
      if (user.username !== account.username) throw new Error(`authtoken/ answered ${user.username}`);
    };
    return {
      name: 'ssokit provider alone',
      processes: { provider },
      clientOrigin: PLAYED_CLIENT,
      signIn: (browser, account) => signInAtProvider(browser, providerUrl, account),
      continueAs: (browser, account) => login(browser, 'continue-as', account),
      passwordLogin: (browser, account) => login(browser, 'password', account),
      // Each login already checked the user that authtoken/ answered.
      assertSignedIn: async () => {},
      stop: async () => {
        await stopChild(provider);
      },
    };
  } catch (error) {
    await stopChild(provider);
    throw error;
  }
}
