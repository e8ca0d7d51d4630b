import type { SsoClientConfig } from '../config/client-config.ts';
import { createSsoClient, type SsoClient } from '../create-sso-client.ts';
import {
  createSsoHandler,
  type RequestBodyOf,
  type SsoHandler,
  type SsoHandlerOptions,
} from './sso-handler.ts';
import { requestContexts } from './sso-request-context.ts';

/** What every adapter takes: the client's options, or a client of one's own, and the paths. */
export type SsoAdapterOptions<Extras extends object> = SsoClientConfig &
  SsoHandlerOptions & {
    /** An existing client; the client options are then ignored. @default createSsoClient(options) */
    client?: SsoClient<Extras>;
  };

/**
 * The set-up every adapter shares: the adapter's own options split from the client's, the
 * client made unless one was given (`ownsClient`: the adapter closes it), the request handler
 * and the per-request contexts it hands out. `bodyOf` reads a request's body, for the logout
 * notices the handler then answers.
 */
export function adapterSetup<Extras extends object>(
  options: SsoAdapterOptions<Extras>,
  bodyOf: RequestBodyOf,
) {
  const { loginPath, logoutPath, client: given, ...clientConfig } = options;
  const client = given ?? createSsoClient<Extras>(clientConfig);
  const handler: SsoHandler<Extras> = createSsoHandler(
    client,
    {
      ...(loginPath === undefined ? {} : { loginPath }),
      ...(logoutPath === undefined ? {} : { logoutPath }),
    },
    bodyOf,
  );
  return { client, ownsClient: given === undefined, handler, contexts: requestContexts(handler) };
}
