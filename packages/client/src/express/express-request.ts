import type { SsoRequestContext } from '../core/sso-request-context.ts';
import type { RegisteredExtras, SsoUser } from '../user/sso-user.ts';

export type { SsoRequestContext };

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
