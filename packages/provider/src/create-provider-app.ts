import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ssoApiRoutes } from './api/sso-api-routes.ts';
import type { ProviderOptions } from './config/provider-options.ts';
import { createProvider, type Provider } from './create-provider.ts';
import { errorHandler } from './http/error-handler.ts';
import { sendPage } from './http/page-response.ts';
import { securityHeaders } from './http/security-headers.ts';
import { messagePage } from './pages/pages.ts';
import { siteRoutes } from './sign-in/site-routes.ts';
import { ssoLoginRoute } from './sign-in/sso-login-route.ts';

export type ProviderApp = Express & { readonly provider: Provider };

function isProvider(value: ProviderOptions | Provider): value is Provider {
  return 'verifier' in value && 'requestTokens' in value;
}

/**
 * The provider as an Express app: the SSO endpoints under the prefix and the provider's own
 * pages at the root. Pass options (a provider is created) or a provider from `createProvider`.
 * Call `app.provider.migrate()` once before serving, and `app.provider.close()` at the end.
 */
export function createProviderApp(providerOrOptions: ProviderOptions | Provider = {}): ProviderApp {
  const provider = isProvider(providerOrOptions) ? providerOrOptions : createProvider(providerOrOptions);
  const { options, logger } = provider;
  const app = express();
  app.disable('x-powered-by');
  // The routes read the raw query themselves, strictly; the lenient default parser is not used.
  app.set('query parser', false);
  app.set('trust proxy', options.trustProxy);

  let warnedInsecure = false;
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (options.secureCookies === false && req.secure && !warnedInsecure) {
      warnedInsecure = true;
      logger.warn(
        { option: 'secureCookies' },
        'serving https with secureCookies: false; cookies lack the Secure flag',
      );
    }
    next();
  });
  app.use(securityHeaders);
  app.use(ssoApiRoutes(provider));
  app.use(ssoLoginRoute(provider));
  app.use(siteRoutes(provider));
  app.use((_req: Request, res: Response) => {
    sendPage(res, 404, options.siteName, 'Not found', messagePage('There is no page at this address.'));
  });
  app.use(errorHandler({ logger, prefix: options.prefix, siteName: options.siteName }));
  return Object.assign(app, { provider });
}
