import { pino } from 'pino';

/**
 * The part of a pino logger the provider uses, so any pino-compatible logger fits. Log lines
 * carry names, outcomes, API keys and addresses; never a password, secret or token.
 */
export interface ProviderLogger {
  /** Routine events (a signed call answered); pino drops them below its `debug` level. */
  debug?(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

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
