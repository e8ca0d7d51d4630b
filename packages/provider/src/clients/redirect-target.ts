import { type ClientRecord, DEFAULT_CALLBACK_PATH } from './client-registry.ts';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** `host[:port]` split and lowercased; undefined when it is not a plain host. */
function parseHost(host: string): { hostname: string; port: string | undefined } | undefined {
  try {
    const url = new URL(`http://${host}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
    // `new URL` drops :80 for http; keep what was written so the scheme decides the default.
    const written = /:(\d+)$/.exec(host)?.[1];
    return { hostname: url.hostname, port: written === undefined ? undefined : String(Number(written)) };
  } catch {
    return undefined;
  }
}

/**
 * The `next` URL of a login, when the client app may receive the browser there: an absolute
 * http(s) URL without credentials on the client's registered `host[:port]` (a missing port
 * means the scheme's default), and on its registered scheme when it has one. The original
 * compared only `host:port`; the scheme check is what registering a scheme adds.
 */
export function allowedRedirectTarget(next: string, client: ClientRecord): URL | undefined {
  if (!client.host) return undefined;
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    return undefined;
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined || url.username !== '' || url.password !== '') return undefined;
  if (client.scheme && url.protocol !== `${client.scheme}:`) return undefined;
  const registered = parseHost(client.host);
  if (registered === undefined || registered.hostname !== url.hostname) return undefined;
  const expectedPort = registered.port ?? (client.scheme ? DEFAULT_PORTS[`${client.scheme}:`] : defaultPort);
  return (url.port || defaultPort) === expectedPort ? url : undefined;
}

/** The path a client's logins must return to: its registered callback path, or the original's. */
export function callbackPathOf(client: ClientRecord): string {
  return client.callbackPath || DEFAULT_CALLBACK_PATH;
}

/**
 * True when a login's `next` (already on the client's host) is the client's callback: any
 * other page of the client would receive the signed-in browser's request and auth tokens. The
 * path is compared as the URL parser normalised it (`/a/../b` is `/b`), exactly.
 */
export function isCallbackTarget(target: URL, client: ClientRecord): boolean {
  return target.pathname === callbackPathOf(client);
}
