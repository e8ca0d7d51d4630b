import type { SsoClientConfig } from '../config/client-config.ts';
import { adapterSetup } from '../core/adapter-setup.ts';
import { readWebBody } from '../core/bounded-body.ts';
import { isAnswer, type SsoHandlerOptions } from '../core/sso-handler.ts';
import type { SsoRequestContext } from '../core/sso-request-context.ts';
import type { SsoClient } from '../create-sso-client.ts';
import type { RegisteredExtras, SsoUser } from '../user/sso-user.ts';
import { toWebResponse, WebRequestView } from '../web/web-request.ts';

/** What a wrapped app gets with each request. */
export interface SsoFetchContext {
  /** The signed-in user; undefined when anonymous. */
  user: SsoUser<RegisteredExtras> | undefined;
  sso: SsoRequestContext;
}

export type FetchApp = (request: Request, context: SsoFetchContext) => Response | Promise<Response>;

export interface SsoFetchOptions extends SsoClientConfig, SsoHandlerOptions {
  /**
   * An existing client; the client options are then ignored.
   * @default createSsoClient(options)
   */
  client?: SsoClient<RegisteredExtras>;
}

export interface SsoFetch {
  readonly client: SsoClient<RegisteredExtras>;
  /**
   * Answers the SSO routes (sign-in, callback, sign-out); any other request gets a 404. For
   * a Next.js route handler mounted at those paths: `export const GET = sso.handler`.
   */
  handler(request: Request): Promise<Response>;
  /**
   * Wraps a whole fetch app (Bun, Deno, any fetch runtime): SSO routes are answered, other
   * requests reach `app` with their user, and a renewed session cookie is added to its answer.
   */
  wrap(app: FetchApp): (request: Request) => Promise<Response>;
  /** The signed-in user of a request, or undefined (also when the session store is down). */
  currentUser(request: Request): Promise<SsoUser<RegisteredExtras> | undefined>;
  /**
   * `requireLogin()`: undefined for a signed-in request, else the answer to send (302 to sign
   * in for pages, 401 JSON for API calls, 503 when the session store is down).
   */
  requireLogin(request: Request, context?: SsoFetchContext): Promise<Response | undefined>;
}

/** The fetch adapter: web `Request` in, web `Response` out. */
export function ssoFetch(options: SsoFetchOptions = {}): SsoFetch {
  const { client, handler, contexts } = adapterSetup<RegisteredExtras>(options, (view, limit) =>
    readWebBody((view as WebRequestView).request, limit),
  );

  const contextOf = async (request: Request): Promise<SsoFetchContext> => {
    const lookup = await client.lookupSession(request.headers.get('cookie') ?? undefined, {
      secure: request.url.startsWith('https:'),
    });
    return {
      user: lookup.user,
      sso: lookup.error === undefined ? contexts.available : contexts.unavailable(lookup.error),
    };
  };

  return {
    client,
    async handler(request) {
      const outcome = await handler.handle(new WebRequestView(request));
      if (isAnswer(outcome)) return toWebResponse(outcome);
      return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } });
    },
    wrap(app) {
      return async (request) => {
        const found = handler.handle(new WebRequestView(request));
        const outcome = found instanceof Promise ? await found : found;
        if (isAnswer(outcome)) return toWebResponse(outcome);
        const sso = outcome.error === undefined ? contexts.available : contexts.unavailable(outcome.error);
        const response = await app(request, { user: outcome.user, sso });
        if (outcome.setCookie === undefined) return response;
        // A Response from fetch() has immutable headers: copy it to add the cookie.
        const headers = new Headers(response.headers);
        headers.append('set-cookie', outcome.setCookie);
        return new Response(response.body, {
          status: response.status,
          statusText: response.statusText,
          headers,
        });
      };
    },
    currentUser: async (request) => (await contextOf(request)).user,
    async requireLogin(request, context) {
      const { user, sso } = context ?? (await contextOf(request));
      const { answer } = handler.requireLogin({ user, error: sso.error }, new WebRequestView(request));
      return answer === undefined ? undefined : toWebResponse(answer);
    },
  };
}
