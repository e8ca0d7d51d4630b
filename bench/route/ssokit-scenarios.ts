import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nextMessage, spawnPinned, stopChild } from '../lib/child-process.ts';
import { HttpBrowser } from '../lib/http-browser.ts';
import { benchAccount } from '../login/bench-account.ts';
import type { SsokitProviderServerConfig } from '../login/ssokit-provider-server.ts';
import { type ClientStoreKind, openClientStores } from '../ssokit/client-stores.ts';
import { dropClientStores } from '../ssokit/drop-client-stores.ts';
import { loginAtClient, sessionCookieAtClient } from '../ssokit/ssokit-browser-flows.ts';
import { type BenchFramework, createBenchClientListener } from '../ssokit/ssokit-framework-apps.ts';
import { uniqueStoreNames } from '../ssokit/unique-names.ts';
import type { RouteScenario } from './route-scenario.ts';

/**
 * The provider's server: its source beside this file, or in a bundle of the bench's children
 * (`bench/lib/child-bundle.ts`, where this module is a chunk at the bundle's root or inside
 * `route/`) the bundled one.
 */
const PROVIDER_SERVER = [
  '../login/ssokit-provider-server.ts',
  './login/ssokit-provider-server.js',
  '../login/ssokit-provider-server.js',
]
  .map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)))
  .find((path) => existsSync(path));

/**
 * ssokit's client on one adapter (Express by default) with one store; `readCache: false`
 * turns off the read cache the client puts in front of a shared session store (Redis,
 * Memcached, PostgreSQL), for the `-nocache` scenarios. The user signs in the real way: an
 * ssokit provider runs in a process of its own (idle once the login is done) and the bench
 * browser goes through the client's login route, the provider's login form and the callback.
 * Not in the server's process, as it was: its Express requests and answers went through the
 * same call sites of Node's HTTP code as the app's own, and turned them megamorphic (about 1k
 * instructions a request of the app's, counted in Node's code); in production the provider is
 * never in the app's process.
 */
export function ssokitRouteScenario(
  kind: ClientStoreKind,
  framework: BenchFramework = 'express',
  cache: { readCache?: false } = {},
): RouteScenario {
  const base = framework === 'express' ? `ssokit-${kind}` : `ssokit-${framework}-${kind}`;
  return {
    name: `${base}${cache.readCache === false ? '-nocache' : ''}`,
    async setup(options = {}) {
      const names = options.names ?? uniqueStoreNames(`route_${kind}`);
      // The route's user is bench account 0, the only one the provider needs.
      const providerConfig: SsokitProviderServerConfig = { accounts: 1 };
      if (PROVIDER_SERVER === undefined) throw new Error('ssokit-provider-server not found beside the bench');
      const provider = spawnPinned(PROVIDER_SERVER, [JSON.stringify(providerConfig)], undefined);
      const { url: providerUrl } = await nextMessage<{ type: 'ready'; url: string }>(provider, 'ready');
      const stores = { ...openClientStores(kind, names), ...cache };
      const { listener: app, close: closeApp } = await createBenchClientListener(
        framework,
        providerUrl,
        stores,
      );
      const browser = new HttpBrowser();
      let clientUrl: URL | undefined;
      return {
        app,
        async login(baseUrl) {
          clientUrl = new URL(baseUrl);
          provider.send({ type: 'register-client', host: clientUrl.host });
          await nextMessage(provider, 'client-registered');
          await loginAtClient(browser, clientUrl, 'password', benchAccount(0));
          return sessionCookieAtClient(browser, clientUrl);
        },
        async close() {
          // Logging out deletes the session and the user, the only way to clean Memcached.
          if (clientUrl !== undefined)
            await browser.get(new URL('/accounts/logout/', clientUrl)).catch(() => undefined);
          await stopChild(provider);
          await closeApp();
          await stores.close();
          // Seeded stores belong to the growth run, which drops them when it is done.
          if (options.names === undefined) await dropClientStores(kind, names);
        },
      };
    },
  };
}
