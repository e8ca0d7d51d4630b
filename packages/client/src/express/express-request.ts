import type { SsoError } from '@ssokit/protocol';
import type { SsoClient } from '../create-sso-client.ts';
import type { RegisteredExtras, SsoUser } from '../user/sso-user.ts';

/** What `ssoClient()` puts on each request for `requireLogin()` and handlers. */
export interface SsoRequestContext {
  client: SsoClient<RegisteredExtras>;
  loginPath: string;
  /** Set when the session store failed for this request. */
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
