import { SsoError } from '@ssokit/protocol';
import type { SsoLogger } from '../logging/sso-logger.ts';
import type { SessionLookup } from '../session/session-flows.ts';
import { errorAnswer, redirectAnswer } from './sso-answers.ts';
import { type SsoAnswer, type SsoHttpRequest, wantsJson } from './sso-http.ts';

/**
 * What `requireLogin()` does with a request, one outcome per case:
 * - `signed-in`: let it through;
 * - `unavailable`: the session store failed, so whether anyone is signed in is unknown: 503;
 * - `unauthorized`: an API call (`Accept: application/json`) without a session: 401
 *   `{"error": "LOGIN_REQUIRED"}`;
 * - `redirect`: a page without a session: 302 to the sign-in route, `?next=` back here.
 */
export type LoginRequirement =
  | { readonly outcome: 'signed-in'; readonly answer?: undefined }
  | { readonly outcome: 'unavailable' | 'unauthorized' | 'redirect'; readonly answer: SsoAnswer };

const SIGNED_IN: LoginRequirement = Object.freeze({ outcome: 'signed-in' });

const loginRequired = () => new SsoError('LOGIN_REQUIRED', 'sign-in required');

/** The decision for a request whose session was read into `state`. */
export function loginRequirement(
  state: Pick<SessionLookup<object>, 'user' | 'error'>,
  request: Pick<SsoHttpRequest, 'url' | 'headers'>,
  options: { loginPath: string; logger: SsoLogger },
): LoginRequirement {
  if (state.user !== undefined) return SIGNED_IN;
  if (state.error !== undefined) {
    return { outcome: 'unavailable', answer: errorAnswer(request, state.error, options) };
  }
  if (wantsJson(request.headers)) {
    return { outcome: 'unauthorized', answer: errorAnswer(request, loginRequired(), options) };
  }
  return {
    outcome: 'redirect',
    answer: redirectAnswer(`${options.loginPath}?next=${encodeURIComponent(request.url)}`),
  };
}
