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
    throw new SsoError('MALFORMED_REQUEST', 'the request has no valid Host header');
  }
  return `${request.secure === true ? 'https' : 'http'}://${host}${settings.callbackPath}`;
}

/**
 * True when a browser says the request comes from another site: `Sec-Fetch-Site: cross-site`,
 * `Origin: null` (sandboxed frames, redirected forms), or an `Origin` that is not this app
 * (`appUrl`, else the Host header; a sibling subdomain is foreign too). Requests without either
 * header (curl, server-side calls) are not from a browser page and pass.
 */
export function isCrossSite(request: Pick<SsoHttpRequest, 'headers'>, appUrl: string | undefined): boolean {
  if (headerOf(request.headers, 'sec-fetch-site') === 'cross-site') return true;
  const origin = headerOf(request.headers, 'origin');
  if (origin === undefined) return false;
  if (!URL.canParse(origin)) return true;
  const parsed = new URL(origin);
  if (parsed.origin === 'null') return true;
  if (appUrl !== undefined) return parsed.origin !== appUrl;
  // Behind a TLS-terminating proxy the app may not know its scheme: the host decides.
  const host = validHost(request);
  // Parsed the same way as the origin, so case and a default port compare equal.
  return host === undefined || parsed.host !== new URL(`${parsed.protocol}//${host}`).host;
}
