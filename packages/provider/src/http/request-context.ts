import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';

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

/** From Express, which applies the `trust proxy` setting to the address and the scheme. */
export function expressRequestContext(req: Request): RequestContext {
  return {
    url: req.originalUrl,
    address: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    https: req.secure,
  };
}

/** Straight from the connection: what Express answers too when no proxy is trusted. */
export function directRequestContext(req: IncomingMessage): RequestContext {
  return {
    url: req.url ?? '/',
    address: req.socket.remoteAddress ?? 'unknown',
    https: (req.socket as Partial<TLSSocket>).encrypted === true,
  };
}
