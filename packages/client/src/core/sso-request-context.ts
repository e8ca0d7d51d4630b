import type { SsoError } from '@ssokit/protocol';
import type { SsoClient } from '../create-sso-client.ts';
import type { RegisteredExtras } from '../user/sso-user.ts';
import type { SsoHandler } from './sso-handler.ts';

/** What every adapter puts on each request (`req.sso`, `c.get('sso')`) beside the user. */
export interface SsoRequestContext {
  client: SsoClient<RegisteredExtras>;
  handler: SsoHandler<RegisteredExtras>;
  loginPath: string;
  /**
   * True when the session store failed for this request: whether the visitor is signed in is
   * unknown, so say "sign-in is temporarily unavailable" rather than "not logged in".
   */
  unavailable: boolean;
  /** The store's failure when `unavailable` (a 503 `SsoError`). */
  error: SsoError | undefined;
}

/**
 * The two contexts of an adapter: one shared by every request whose session read worked
 * (nothing allocated per request), and one made for a failed read.
 */
export function requestContexts<Extras extends object>(
  handler: SsoHandler<Extras>,
): { available: SsoRequestContext; unavailable(error: SsoError): SsoRequestContext } {
  const base = {
    client: handler.client,
    handler,
    loginPath: handler.loginPath,
  } as unknown as Pick<SsoRequestContext, 'client' | 'handler' | 'loginPath'>;
  return {
    available: Object.freeze({ ...base, unavailable: false, error: undefined }),
    unavailable: (error) => ({ ...base, unavailable: true, error }),
  };
}
