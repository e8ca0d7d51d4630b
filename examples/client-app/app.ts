import express, { type Express } from 'express';
import type { SsoClientConfig, SsoUser } from 'ssokit';
import { ssoClient } from 'ssokit/express';
import { type DemoUserExtras, homePage, unavailablePage, wrongHostPage } from './home-page.ts';

export interface ExampleAppOptions extends SsoClientConfig {
  /**
   * The origin the API key is bound to at the provider; the app asks visitors on any other
   * host to go there, since the provider would refuse to send them back.
   * @default 'http://localhost:8000'
   */
  boundOrigin?: string;
}

/**
 * The original dj-sso-client example, the Node way: `/` shows who is signed in, login at
 * `/accounts/login/` (honours `?next=`), logout at `/accounts/logout/`, the provider calls back
 * at `/myssoclient/auth/`.
 */
export function createExampleApp(options: ExampleAppOptions = {}): { app: Express; close(): Promise<void> } {
  const { boundOrigin = 'http://localhost:8000', ...config } = options;
  const boundHost = new URL(boundOrigin).host;
  const app = express();
  app.disable('x-powered-by');

  app.use((req, res, next) => {
    if (req.get('host') === boundHost) return next();
    res.status(421).type('html').send(wrongHostPage(boundOrigin));
  });

  const sso = ssoClient<DemoUserExtras>({ appUrl: boundOrigin, ...config });
  app.use(sso);

  app.get('/', (req, res) => {
    if (req.sso?.unavailable) {
      res.status(503).type('html').send(unavailablePage(sso.client.settings.providerUrl));
      return;
    }
    // An app of its own would declare these attributes once for every `req.user` (see the
    // client README, "The user"); the example shares its type-check with other code, so it says it here.
    const user = req.user as SsoUser<DemoUserExtras> | undefined;
    res.type('html').send(homePage(sso.client.settings.providerUrl, user));
  });

  return { app, close: () => sso.client.close() };
}
