import type { ClientRecord, ClientRegistry } from '../clients/client-registry.ts';
import { allowedRedirectTarget } from '../clients/redirect-target.ts';

/** Printable ASCII without a backslash: what a client's return address is made of. */
const PLAIN_URL = /^[\x21-\x5b\x5d-\x7e]{1,2000}$/;
const ABSOLUTE_HTTP = /^https?:\/\//i;
const API_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The address a client app asked the provider's sign-out to return to, when the browser may go
 * there: an absolute http(s) URL on the client's registered host (exact host, port and, when
 * registered, scheme; no credentials), as for a login's `next`. Backslashes, spaces, control and
 * non-ASCII characters are refused before parsing, so no parser leniency (`http:\\evil`,
 * `https://app\@evil`) can move the host. Undefined otherwise: the provider's home instead.
 */
export function safeLogoutReturn(
  next: string | undefined,
  client: ClientRecord | undefined,
): string | undefined {
  if (next === undefined || client === undefined) return undefined;
  if (!PLAIN_URL.test(next) || !ABSOLUTE_HTTP.test(next)) return undefined;
  return allowedRedirectTarget(next, client)?.href;
}

/** Where a sign-out asked for with `?api_key=…&next=…` (ssokit's `signOutAtProvider`) returns. */
export interface LogoutReturn {
  apiKey: string;
  /** The checked absolute URL on the client's host. */
  url: string;
}

/**
 * The client app (by its API key, public: it is in every login URL) and its return address,
 * both checked; undefined when either is missing, unknown or unsafe, or the registry cannot
 * answer (a sign-out never fails for it: it then ends at the provider's home).
 */
export async function logoutReturnOf(
  clients: ClientRegistry,
  apiKey: string | undefined,
  next: string | undefined,
): Promise<LogoutReturn | undefined> {
  if (apiKey === undefined || next === undefined || !API_KEY.test(apiKey)) return undefined;
  const client = await clients.findApiKey(apiKey).catch(() => undefined);
  const url = safeLogoutReturn(next, client);
  return url === undefined ? undefined : { apiKey, url };
}
