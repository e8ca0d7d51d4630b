import type { SsoLogger } from '@ssokit/protocol';
import { pino } from 'pino';

/** The logger the provider uses: ssokit's one logger type (`SsoLogger`), any pino-compatible one. */
export type ProviderLogger = SsoLogger;

/** The default: pino, JSON lines to stderr (stdout stays free for the CLI's own output). */
export function defaultProviderLogger(level = 'info'): ProviderLogger {
  return pino({ name: 'ssokit-provider', level }, pino.destination(2));
}

/** A logger that drops everything, for embedding and tests that do not look at logs. */
export const silentLogger: ProviderLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
