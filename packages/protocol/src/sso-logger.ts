/**
 * The one logger type of ssokit: the part of pino's API the packages call, so a pino logger
 * (or any pino-compatible one: Fastify's `request.log`, a test's memory logger) fits as is.
 * Each package asks only for the methods it uses (`Pick<SsoLogger, 'warn'>`). Log lines carry
 * names, outcomes, API keys and addresses; never a password, secret or token.
 */
export interface SsoLogger {
  /** Routine events (a signed call answered); pino drops them below its `debug` level. */
  debug?(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
