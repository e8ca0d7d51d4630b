import Negotiator from 'negotiator';

/** Request headers as Node gives them: lower-case names (`req.headers` fits as is). */
export type SsoHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * What the core needs of a request, in the shape most Node frameworks already have (an
 * Express `req` is one), so an adapter can pass its request object without copying it.
 */
export interface SsoHttpRequest {
  readonly method: string;
  /** Path and raw query exactly as sent: `/accounts/login/?next=%2Fa`. */
  readonly url: string;
  /** Read: `cookie`, `host`, `accept`, `origin`, `sec-fetch-site`. */
  readonly headers: SsoHeaders;
  /** Whether the request came over https; read only when a cookie or a URL is built. */
  readonly secure?: boolean | undefined;
}

/** A complete answer for the adapter to send as is. */
export interface SsoAnswer {
  readonly status: number;
  /** Every header but `Set-Cookie` (one value each). */
  readonly headers: Readonly<Record<string, string>>;
  readonly setCookies: readonly string[];
  /** Empty for redirects. */
  readonly body: string;
}

/** One header's value, or undefined (also for a header sent as a list). */
export function headerOf(headers: SsoHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The path of a request URL, without its query. */
export function pathOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : url.slice(0, at);
}

/** The raw query of a request URL, without its `?`. */
export function rawQueryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

/** A query parameter given exactly once, else undefined (a repeated `next` is ignored). */
export function singleParameter(url: string, name: string): string | undefined {
  const query = rawQueryOf(url);
  if (query === '') return undefined;
  const values = new URLSearchParams(query).getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

const MEDIA_TYPES = ['text/html', 'application/json'] as const;

/** True when the caller prefers JSON to a page (`Accept: application/json`); pages win ties. */
export function wantsJson(headers: SsoHeaders): boolean {
  const accept = headerOf(headers, 'accept');
  if (accept === undefined) return false;
  return new Negotiator({ headers: { accept } }).mediaType(MEDIA_TYPES) === 'application/json';
}
