import { SsoError } from '@ssokit/protocol';
import { headerOf, type SsoHttpRequest } from './sso-http.ts';

// A host name, IPv4 or bracketed IPv6, and an optional port: nothing a URL could be bent with.
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The request's `Host` header if it is a plain host[:port], else undefined. */
export function validHost(request: Pick<SsoHttpRequest, 'headers'>): string | undefined {
  const host = headerOf(request.headers, 'host');
  return host !== undefined && HOST.test(host) ? host : undefined;
}

/**
 * Where the provider sends the browser back: `appUrl` + callback path when configured, else
 * built from the request's Host header, which must then be a plain host (a 400 otherwise).
 */
export function callbackUrlOf(
  request: SsoHttpRequest,
  settings: { appUrl: string | undefined; callbackPath: string },
): string {
  if (settings.appUrl !== undefined) return settings.appUrl + settings.callbackPath;
  const host = validHost(request);
  if (host === undefined) {
    throw new SsoError('MALFORMED_REQUEST', 'the request has no valid Host header', { status: 400 });
  }
  return `${request.secure === true ? 'https' : 'http'}://${host}${settings.callbackPath}`;
}
