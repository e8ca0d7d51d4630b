import type { SsoError } from '@ssokit/protocol';
import type { SsoHandler } from '../core/sso-handler.ts';
import type { SsoClient } from '../create-sso-client.ts';
import type { RegisteredExtras, SsoUser } from '../user/sso-user.ts';

/** What `ssoClient()` puts on each request for `requireLogin()` and handlers. */
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

type RegisteredSsoUser = SsoUser<RegisteredExtras>;

declare global {
  namespace Express {
    // Merged with passport's empty `User` when both are installed, so the two can coexist.
    interface User extends RegisteredSsoUser {}
    interface Request {
      /** The signed-in user, set by `ssoClient()` on every request; undefined when anonymous. */
      user?: User | undefined;
      /** The SSO client of this request, set by `ssoClient()`. */
      sso?: SsoRequestContext | undefined;
    }
  }
}
