import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { adminRoutes } from './admin/admin-routes.ts';
import { signedApiEndpoints } from './api/signed-api-endpoints.ts';
import { ssoApiRoutes } from './api/sso-api-routes.ts';
import type { ProviderOptions } from './config/provider-options.ts';
import { createProvider, type Provider } from './create-provider.ts';
import { healthRoutes } from './health/health-routes.ts';
import { sendStarting } from './health/starting-answer.ts';
import { errorHandler, failureAnswerer } from './http/error-handler.ts';
import { sendPage } from './http/page-response.ts';
import { compileTrustProxy, expressRequestContext, type RequestContext } from './http/request-context.ts';
import { splitUrl } from './http/request-parameters.ts';
import { securityHeaders } from './http/security-headers.ts';
import { ssoFastPath } from './http/sso-fast-path.ts';
import { httpRequestMetrics } from './observability/http-request-metrics.ts';
import { ownAccountRoutes } from './own-account/own-account-routes.ts';
import { messagePage } from './pages/pages.ts';
import { siteRoutes } from './sign-in/site-routes.ts';
import { ssoLoginPage } from './sign-in/sso-login-page.ts';
import { ssoLoginRoute } from './sign-in/sso-login-route.ts';

export type ProviderApp = Express & { readonly provider: Provider };

type RequestListener = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;

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
  // One trust function for Express and the fast path, so both see the same client address.
  const trustProxy = compileTrustProxy(options.trustProxy);
  app.set('trust proxy', trustProxy);
  if (options.trustProxy === true) {
    logger.warn(
      { option: 'trustProxy' },
      'trustProxy: true trusts one proxy hop (the X-Forwarded-For entry the nearest proxy wrote); ' +
        "give the proxies' addresses instead, so a client that reaches the provider directly cannot choose its address",
    );
  }

  let warnedInsecure = false;
  const warnIfInsecure = (context: RequestContext) => {
    if (options.secureCookies === false && context.https && !warnedInsecure) {
      warnedInsecure = true;
      logger.warn(
        { option: 'secureCookies' },
        'serving https with secureCookies: false; cookies lack the Secure flag',
      );
    }
  };
  const api = signedApiEndpoints(provider);
  const loginPath = `${options.prefix}login/`;
  const loginPage = ssoLoginPage(provider);
  const failureOptions = { logger, prefix: options.prefix, siteName: options.siteName };

  app.use((req: Request, _res: Response, next: NextFunction) => {
    warnIfInsecure(expressRequestContext(req));
    next();
  });
  app.use(securityHeaders);
  app.use(ssoApiRoutes(api));
  app.use(ssoLoginRoute(loginPath, loginPage, options.formBodyLimitBytes));
  // Before the site's routes: it answers the home page for a signed-in user.
  app.use(ownAccountRoutes(provider));
  app.use(siteRoutes(provider));
  app.use(adminRoutes(provider));
  app.use((_req: Request, res: Response) => {
    sendPage(res, 404, options.siteName, 'Not found', messagePage('There is no page at this address.'));
  });
  app.use(errorHandler(failureOptions));

  // Also behind trusted proxies: both compute the address with `trustProxy`.
  const fastPath = ssoFastPath({
    api,
    loginPath,
    loginPage,
    formBodyLimitBytes: options.formBodyLimitBytes,
    trustProxy,
    onRequest: warnIfInsecure,
    onError: failureAnswerer(failureOptions),
  });
  const health = healthRoutes(provider.readiness);
  const timeRequest =
    provider.metrics === undefined ? undefined : httpRequestMetrics(provider.metrics, options.prefix);
  // An Express app is a function that calls its own `handle`: answering health probes and the
  // login's requests first there serves them whether the app is listened on or passed to
  // `createServer` (mounted in another app, the fast path leaves everything to Express).
  const appWithHandle = app as unknown as { handle: RequestListener };
  const handleWithExpress = appWithHandle.handle.bind(app);
  appWithHandle.handle = (req, res, next) => {
    const { path } = splitUrl(req.url ?? '/');
    if (health(req, res, path)) return;
    timeRequest?.(req, res, path);
    const { state } = provider;
    if (state === 'starting') {
      sendStarting(res, path, options.prefix, options.siteName);
      return;
    }
    // Draining: each answer ends its connection, so keep-alive clients move to another process.
    if (state === 'draining') res.setHeader('Connection', 'close');
    if (!fastPath(req, res)) handleWithExpress(req, res, next);
  };
  return Object.assign(app, { provider });
}
