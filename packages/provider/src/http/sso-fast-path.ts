import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedApiEndpoint } from '../api/signed-api-endpoints.ts';
import { sendApiAnswer } from '../api/sso-api-routes.ts';
import type { SsoLoginPage } from '../sign-in/sso-login-page.ts';
import { readFormFields } from './form-body.ts';
import { directRequestContext, type RequestContext, type TrustProxy } from './request-context.ts';
import { splitUrl } from './request-parameters.ts';
import { setSecurityHeaders } from './security-headers.ts';

/** Answers a request and returns true, or returns false to leave it to Express. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface FastPathRoutes {
  api: ReadonlyMap<string, SignedApiEndpoint>;
  loginPath: string;
  loginPage: SsoLoginPage;
  /** The largest form body read (the "continue" button's POST). */
  formBodyLimitBytes: number;
  /** The proxies trusted for the client's address and scheme: the function Express has too. */
  trustProxy: TrustProxy;
  /** Called with each request's context before it is answered (the insecure-cookie warning). */
  onRequest(context: RequestContext): void;
  /** Answers what an endpoint or the page threw, as Express's error handler does. */
  onError(error: unknown, method: string, context: RequestContext, res: ServerResponse): void;
}

/**
 * The requests a login makes to the provider (the two signed calls, the SSO page and its form's
 * POST), answered straight from `node:http`, from the same code as the Express routes.
 * Express's setup of a request (prototype swaps, a final handler, the router walk) costs more
 * than these endpoints' own work: about 400k instructions a request, where a bare `node:http`
 * request is about 80k (callgrind, bench/login). Left to Express: other paths and methods,
 * paths Express would match loosely (case, trailing slash), and requests inside a parent
 * Express app (which set `originalUrl`).
 */
export function ssoFastPath(routes: FastPathRoutes): FastPath {
  return (req, res) => {
    const { method } = req;
    const post = method === 'POST';
    if ((method !== 'GET' && method !== 'HEAD' && !post) || 'originalUrl' in req) return false;
    const { path } = splitUrl(req.url ?? '/');
    const endpoint = routes.api.get(path);
    // The signed endpoints take GET and HEAD (Express answers their POST); the SSO page takes all three.
    if (endpoint === undefined ? path !== routes.loginPath : post) return false;
    const context = directRequestContext(req, routes.trustProxy);
    routes.onRequest(context);
    setSecurityHeaders(res);
    const answered =
      endpoint !== undefined
        ? endpoint(context).then((answer) => sendApiAnswer(res, answer))
        : post
          ? readFormFields(req, routes.formBodyLimitBytes).then((fields) =>
              routes.loginPage(req, res, context, fields),
            )
          : routes.loginPage(req, res, context);
    answered.catch((error: unknown) => routes.onError(error, method as string, context, res));
    return true;
  };
}
