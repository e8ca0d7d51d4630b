import { errorPage } from '../http/error-page.ts';
import { describeError, type SsoLogger } from '../logging/sso-logger.ts';
import { pathOf, type SsoAnswer, type SsoHttpRequest, wantsJson } from './sso-http.ts';

// The client's own pages are never framed (clickjacking of the logout button) and load nothing.
const PAGE_HEADERS = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
});

const JSON_HEADERS = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
});

/** A 302 with the exact Location given (no re-encoding: the provider URL is byte-exact). */
export function redirectAnswer(location: string, setCookies: readonly string[] = []): SsoAnswer {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, setCookies, body: '' };
}

/** One of the client's own HTML pages. */
export function pageAnswer(status: number, html: string, setCookies: readonly string[] = []): SsoAnswer {
  return { status, headers: PAGE_HEADERS, setCookies, body: html };
}

/**
 * A failed step as a small escaped page, or JSON for API callers. Anything but an `SsoError`
 * is a bug: a bare 500, logged.
 */
export function errorAnswer(
  request: Pick<SsoHttpRequest, 'url' | 'headers'>,
  error: unknown,
  options: { logger: SsoLogger; retryPath?: string | undefined; setCookies?: readonly string[] },
): SsoAnswer {
  const page = errorPage(error, options.retryPath === undefined ? {} : { retryPath: options.retryPath });
  if (page.status === 500) {
    options.logger.error({ err: describeError(error), path: pathOf(request.url) }, 'unexpected error');
  }
  const setCookies = options.setCookies ?? [];
  if (wantsJson(request.headers)) {
    return { status: page.status, headers: JSON_HEADERS, setCookies, body: JSON.stringify(page.json) };
  }
  return pageAnswer(page.status, page.html, setCookies);
}
