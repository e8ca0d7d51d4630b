import type { SsoLogger } from '@ssokit/protocol';
import { pino } from 'pino';

/** The logging surface the client needs: ssokit's one logger type, a subset of pino's API. */
export type { SsoLogger };

/** The logger used when none is configured. */
export function defaultSsoLogger(): SsoLogger {
  return pino({ name: 'ssokit-client' });
}

/**
 * Logs a failing dependency once per outage instead of once per request: the first failure
 * is logged, later ones are silent until a success, which is logged as the recovery.
 */
export class OutageLog {
  private down = false;

  constructor(
    private readonly logger: SsoLogger,
    private readonly dependency: string,
  ) {}

  failed(cause: unknown): void {
    if (this.down) return;
    this.down = true;
    this.logger.error(
      { err: describeError(cause), dependency: this.dependency },
      `${this.dependency} is unavailable`,
    );
  }

  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.info({ dependency: this.dependency }, `${this.dependency} is available again`);
  }
}

/** A loggable summary of an error: name, code and message, never a stack full of request data. */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'NonError', message: String(error) };
}
