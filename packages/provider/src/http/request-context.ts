import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';
import proxyAddr from 'proxy-addr';

/**
 * Which proxies in front of the provider are trusted to say who the client is: `false` (none,
 * the default), a number of hops (`1`: the one proxy the provider sits behind), or the
 * proxies' addresses and subnets (`'10.0.0.0/8, 127.0.0.1'`, `['loopback', '192.0.2.10']`,
 * with proxy-addr's names `loopback`, `linklocal`, `uniquelocal`). `true` means one hop.
 */
export type TrustProxySetting = boolean | number | string | readonly string[];

/** Given an address and its hop (0 is the connection's peer): is it a trusted proxy? */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * The trust function of a setting, as Express's `trust proxy` would compile it, except for
 * `true`: Express then trusts every hop and takes the leftmost X-Forwarded-For entry, which
 * the client writes itself. Here `true` trusts the nearest hop only. Throws a TypeError for an
 * address or subnet that does not parse.
 */
export function compileTrustProxy(setting: TrustProxySetting): TrustProxy {
  if (setting === false || setting === 0) return () => false;
  if (setting === true) return (_address, hop) => hop < 1;
  if (typeof setting === 'number') {
    if (!Number.isSafeInteger(setting) || setting < 0) {
      throw new TypeError(`must be a hop count of 0 or more, got ${setting}`);
    }
    return (_address, hop) => hop < setting;
  }
  const list = typeof setting === 'string' ? setting.split(',').map((entry) => entry.trim()) : [...setting];
  return proxyAddr.compile(list);
}

/**
 * The client's address: the connection's peer, or behind trusted proxies the X-Forwarded-For
 * entry the last trusted one wrote (read from the right; entries left of it are the
 * client's own claims). The same answer as Express's `req.ip` with the same trust function.
 */
function clientAddress(req: IncomingMessage, trust: TrustProxy): string {
  const peer = req.socket.remoteAddress;
  // An untrusted peer is the answer; no header to parse (the fast path's usual case).
  if (peer === undefined) return 'unknown';
  if (!trust(peer, 0)) return peer;
  return proxyAddr(req, trust) || peer;
}

/** https when the connection is TLS or, from a trusted proxy, X-Forwarded-Proto says so (Express's rule). */
function isHttps(req: IncomingMessage, trust: TrustProxy): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  const peer = req.socket.remoteAddress;
  if (peer === undefined || !trust(peer, 0)) return false;
  const header = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();
  return first === 'https';
}

/**
 * What the pages and endpoints need to know about a request besides its headers, whether it
 * came through Express or straight from `node:http` (the SSO fast path).
 */
export interface RequestContext {
  /** Path and raw query exactly as received (Express's `originalUrl`). */
  url: string;
  /** The client's address, for logs and rate limits (behind a trusted proxy, the forwarded one). */
  address: string;
  /** Whether the request came over https (behind a trusted proxy, as the proxy says). */
  https: boolean;
}

/** From Express, which applies the `trust proxy` function to the address and the scheme. */
export function expressRequestContext(req: Request): RequestContext {
  return {
    url: req.originalUrl,
    address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    https: req.secure,
  };
}

/**
 * Straight from `node:http` (the SSO fast path), with the trust function Express was given:
 * the same address and scheme as {@link expressRequestContext}.
 */
export function directRequestContext(req: IncomingMessage, trust: TrustProxy): RequestContext {
  return {
    url: req.url ?? '/',
    address: clientAddress(req, trust),
    https: isHttps(req, trust),
  };
}
