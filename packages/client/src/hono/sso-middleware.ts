import type { IncomingHttpHeaders } from 'node:http';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { SsoClientConfig } from '../config/client-config.ts';
import { adapterSetup } from '../core/adapter-setup.ts';
import { readWebBody } from '../core/bounded-body.ts';
import { isAnswer, type SsoHandlerOptions, type SsoOutcome } from '../core/sso-handler.ts';
import type { SsoRequestContext } from '../core/sso-request-context.ts';
import type { SsoClient } from '../create-sso-client.ts';
import type { RegisteredExtras, SsoUser } from '../user/sso-user.ts';
import { toWebResponse, WebRequestView } from '../web/web-request.ts';

/** What the middleware sets on the context: `c.get('user')`, `c.get('sso')`. */
export interface SsoVariables {
  /** The signed-in user; undefined when anonymous. */
  user: SsoUser<RegisteredExtras> | undefined;
  sso: SsoRequestContext;
}

/** For `new Hono<SsoEnv>()`; `c.get('user')` is typed app-wide anyway (ContextVariableMap). */
export interface SsoEnv {
  Variables: SsoVariables;
}

declare module 'hono' {
  interface ContextVariableMap extends SsoVariables {}
}

export interface SsoHonoOptions extends SsoClientConfig, SsoHandlerOptions {
  /**
   * An existing client; the client options are then ignored.
   * @default createSsoClient(options)
   */
  client?: SsoClient<RegisteredExtras>;
}

/** The middleware, with the core client for use outside requests (`sso.client.users`). */
export type SsoHonoMiddleware = MiddlewareHandler<SsoEnv> & { readonly client: SsoClient<RegisteredExtras> };

/**
 * The core's view of the request. On Node (@hono/node-server) with the headers Node parsed
 * (`c.env.incoming`): reading `c.req.raw.headers` there builds a web `Headers` of every header,
 * most of what the middleware cost a request (a signed-in `GET /me`: 135k instructions with
 * it, 118k without; bench/, route section). Without a Host header (HTTP/2 has `:authority`),
 * and on other runtimes, the web request's headers.
 */
function requestView(c: Context): WebRequestView {
  const headers = (c.env as { incoming?: { headers?: IncomingHttpHeaders } } | undefined)?.incoming?.headers;
  return new WebRequestView(c.req.raw, headers?.host === undefined ? undefined : headers);
}

/**
 * Hono 4 middleware: answers the sign-in route, the provider's callback and sign-out, and sets
 * `c.get('user')` on every request. `app.use(ssoClient({ providerUrl, apiKey, secretKey }))`.
 */
export function ssoClient(options: SsoHonoOptions = {}): SsoHonoMiddleware {
  const { client, handler, contexts } = adapterSetup<RegisteredExtras>(options, (view, limit) =>
    readWebBody((view as WebRequestView).request, limit),
  );

  const proceed = (
    c: Context<SsoEnv>,
    next: Next,
    outcome: SsoOutcome<RegisteredExtras>,
  ): Promise<Response | void> => {
    if (isAnswer(outcome)) return Promise.resolve(toWebResponse(outcome));
    c.set('user', outcome.user);
    c.set('sso', outcome.error === undefined ? contexts.available : contexts.unavailable(outcome.error));
    const setCookie = outcome.setCookie;
    if (setCookie === undefined) return next();
    return next().then(() => {
      c.header('Set-Cookie', setCookie, { append: true });
    });
  };
  // Not an async function: Hono's compose awaits what it returns anyway, and the signed-in
  // request with a store in this process then passes on to `next()` without a promise of its own.
  const middleware: MiddlewareHandler<SsoEnv> = (c, next) => {
    const found = handler.handle(requestView(c));
    if (found instanceof Promise)
      return found.then((outcome): Promise<Response | void> => proceed(c, next, outcome));
    return proceed(c, next, found);
  };
  Object.defineProperty(middleware, 'client', { value: client, enumerable: true });
  return middleware as SsoHonoMiddleware;
}

/**
 * Lets signed-in requests through: pages go to the sign-in route with `?next=`, API calls
 * (`Accept: application/json`) get a 401 JSON, a 503 when the session store is down.
 * `app.get('/private', requireLogin(), handler)`.
 */
export function requireLogin(): MiddlewareHandler<SsoEnv> {
  // Not async, as the middleware above.
  return (c, next) => {
    const sso = c.get('sso');
    if (sso === undefined) throw new Error('requireLogin() needs app.use(ssoClient(...)) before it');
    const { answer } = sso.handler.requireLogin({ user: c.get('user'), error: sso.error }, requestView(c));
    if (answer !== undefined) return Promise.resolve(toWebResponse(answer));
    return next();
  };
}
