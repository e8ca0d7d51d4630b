import { validHost } from './request-origin.ts';
import type { SsoHttpRequest } from './sso-http.ts';

/**
 * Where a sign-out sends the browser when `signOutAtProvider` is on: the provider's logout page
 * with `next`, the absolute form of the already safe `target` (a path of this app, on `appUrl`
 * or the request's own plain Host, or an allowed origin's URL). Without a provider logout URL,
 * or when this app's origin cannot be told, `target` itself: the local sign-out still stands.
 */
export function signOutLocation(
  target: string,
  request: Pick<SsoHttpRequest, 'headers' | 'secure'>,
  settings: { appUrl: string | undefined; providerLogoutUrl: string | undefined },
): string {
  if (settings.providerLogoutUrl === undefined) return target;
  const host = validHost(request);
  const origin =
    settings.appUrl ??
    (host === undefined ? undefined : `${request.secure === true ? 'https' : 'http'}://${host}`);
  if (origin === undefined) return target;
  const back = new URL(target, origin).href;
  return `${settings.providerLogoutUrl}&next=${encodeURIComponent(back)}`;
}
