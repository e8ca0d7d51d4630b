import { createServer } from 'node:http';
import { listenOnLoopback } from '../lib/child-server.ts';
import { HttpBrowser } from '../lib/http-browser.ts';
import { benchAccount } from '../login/bench-account.ts';
import { type ClientStoreKind, openClientStores } from '../ssokit/client-stores.ts';
import { dropClientStores } from '../ssokit/drop-client-stores.ts';
import { loginAtClient, sessionCookieAtClient } from '../ssokit/ssokit-browser-flows.ts';
import { type BenchFramework, createBenchClientListener } from '../ssokit/ssokit-framework-apps.ts';
import { createBenchProvider } from '../ssokit/ssokit-provider.ts';
import { uniqueStoreNames } from '../ssokit/unique-names.ts';
import type { RouteScenario } from './route-scenario.ts';

/**
 * ssokit's client on one adapter (Express by default) with one store. The user signs in the real way: an ssokit
 * provider runs in the same process (idle once the login is done) and the bench browser goes
 * through the client's login route, the provider's login form and the callback.
 */
export function ssokitRouteScenario(
  kind: ClientStoreKind,
  framework: BenchFramework = 'express',
): RouteScenario {
  return {
    name: framework === 'express' ? `ssokit-${kind}` : `ssokit-${framework}-${kind}`,
    async setup(options = {}) {
      const names = options.names ?? uniqueStoreNames(`route_${kind}`);
      // The route's user is bench account 0, the only one the provider needs.
      const provider = await createBenchProvider({ accounts: 1 });
      const providerServer = createServer(provider.app);
      const providerUrl = await listenOnLoopback(providerServer);
      const stores = openClientStores(kind, names);
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
          await provider.registerClient(clientUrl.host);
          await loginAtClient(browser, clientUrl, 'password', benchAccount(0));
          return sessionCookieAtClient(browser, clientUrl);
        },
        async close() {
          // Logging out deletes the session and the user, the only way to clean Memcached.
          if (clientUrl !== undefined)
            await browser.get(new URL('/accounts/logout/', clientUrl)).catch(() => undefined);
          providerServer.close();
          providerServer.closeAllConnections();
          await provider.close();
          await closeApp();
          await stores.close();
          // Seeded stores belong to the growth run, which drops them when it is done.
          if (options.names === undefined) await dropClientStores(kind, names);
        },
      };
    },
  };
}
