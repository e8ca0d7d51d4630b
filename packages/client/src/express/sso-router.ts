import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SsoClientConfig } from '../config/client-config.ts';
import { adapterSetup } from '../core/adapter-setup.ts';
import { readNodeBody } from '../core/bounded-body.ts';
import { isAnswer, type SsoHandlerOptions, type SsoOutcome } from '../core/sso-handler.ts';
import type { SsoClient } from '../create-sso-client.ts';
import type { RegisteredExtras } from '../user/sso-user.ts';
import { sendAnswer } from './express-responses.ts';

export interface SsoExpressOptions<Extras extends object = RegisteredExtras> extends SsoHandlerOptions {
  /**
   * An existing client; the client options of the configuration are then ignored.
   * @default createSsoClient(config)
   */
  client?: SsoClient<Extras>;
}

export type SsoExpressConfig<Extras extends object = RegisteredExtras> = SsoClientConfig &
  SsoExpressOptions<Extras>;

/** The middleware, with the core client for use outside requests (`router.client.users`). */
export type SsoRouter<Extras extends object = RegisteredExtras> = RequestHandler & {
  readonly client: SsoClient<Extras>;
};

/**
 * Express 5 adapter: mounts the sign-in route, the provider's callback and sign-out, and sets
 * `req.user` on every request. Mount it at the root, before your routes:
 * `app.use(ssoClient({ providerUrl, apiKey, secretKey }))`.
 */
export function ssoClient<Extras extends object = RegisteredExtras>(
  config: SsoExpressConfig<Extras> = {},
): SsoRouter<Extras> {
  const { client, handler, contexts } = adapterSetup<Extras>(config, (req, limit) =>
    readNodeBody(req as Request, limit),
  );

  const apply = (req: Request, res: Response, next: NextFunction, outcome: SsoOutcome<Extras>) => {
    if (isAnswer(outcome)) {
      sendAnswer(res, outcome);
      return;
    }
    if (outcome.setCookie !== undefined) res.append('Set-Cookie', outcome.setCookie);
    req.user = outcome.user as Express.User | undefined;
    req.sso = outcome.error === undefined ? contexts.available : contexts.unavailable(outcome.error);
    next();
  };

  // One function rather than an Express Router: every request of the app passes here, and a
  // Router's layer matching cost more than reading the session (measured in bench/). Not
  // async: with a store in this process the session is read at once, and Express then handles
  // no promise either. `req` is the core's request as it is (method, url, headers, secure).
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const outcome = handler.handle(req);
    if (outcome instanceof Promise) return outcome.then((done) => apply(req, res, next, done));
    apply(req, res, next, outcome);
  };
  Object.defineProperty(middleware, 'client', { value: client, enumerable: true });
  return middleware as SsoRouter<Extras>;
}
