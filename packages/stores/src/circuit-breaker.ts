import type { StoreLogger } from './store-logger.ts';

export interface CircuitBreakerOptions {
  /**
   * Consecutive failures (timeouts, refused or lost connections) after which the breaker
   * opens: every operation then fails at once instead of waiting for its deadline.
   * @default 5
   */
  failureThreshold?: number;
  /**
   * How long the breaker stays open before one operation is let through as a probe. The
   * probe's success closes the breaker; its failure opens it for another cool-down.
   * @default 5000
   */
  coolDownMs?: number;
  /** Clock in milliseconds, for tests. @default performance.now */
  now?: () => number;
}

export interface CircuitBreakerConfig extends CircuitBreakerOptions {
  /** Names the dependency in log lines and errors, e.g. `redis store redis://:***@host:6379`. */
  name: string;
  /** Told once when the breaker opens (warn) and once when it closes again (info). */
  logger?: StoreLogger;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  readonly state: CircuitState;
  /**
   * Undefined when an operation may run now; otherwise the error to fail it with at once
   * (its `code` is `CIRCUIT_OPEN`). In the half-open state the first caller is the probe and
   * every other caller is refused until the probe has answered.
   */
  refusal(): Error | undefined;
  /** The dependency answered (even with an error of its own, such as a constraint violation). */
  succeeded(): void;
  /** The dependency timed out, refused or lost the connection. */
  failed(): void;
}

/** The `code` of the error an open breaker fails operations with (in the 503's `cause`). */
export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOL_DOWN_MS = 5000;

/** Refuses a threshold or cool-down that would make the breaker never close or never open. */
export function assertCircuitBreakerOptions(options: CircuitBreakerOptions, option: string): void {
  const { failureThreshold = DEFAULT_FAILURE_THRESHOLD, coolDownMs = DEFAULT_COOL_DOWN_MS } = options;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new TypeError(
      `${option}.failureThreshold must be a whole number of at least 1, got ${failureThreshold}`,
    );
  }
  if (!Number.isFinite(coolDownMs) || coolDownMs <= 0) {
    throw new TypeError(`${option}.coolDownMs must be a positive number of milliseconds, got ${coolDownMs}`);
  }
}

/**
 * A circuit breaker in front of one networked dependency: closed, it lets every operation
 * through and counts consecutive failures; at `failureThreshold` it opens and refuses every
 * operation at once, so an outage costs each request microseconds instead of the whole
 * deadline; after `coolDownMs` it lets one probe through (half-open), which closes it again
 * on success. It logs each change of state once, never per operation.
 */
export function circuitBreaker(config: CircuitBreakerConfig): CircuitBreaker {
  assertCircuitBreakerOptions(config, 'circuitBreaker');
  const failureThreshold = config.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
  const coolDownMs = config.coolDownMs ?? DEFAULT_COOL_DOWN_MS;
  const now = config.now ?? (() => performance.now());
  const { name, logger } = config;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  // A probe whose caller never reports (it threw before reaching the dependency) must not
  // keep the breaker half-open forever: after another cool-down, the next caller probes.
  let probeStartedAt = 0;

  const open = () => {
    if (state === 'closed') {
      logger?.warn(
        { store: name, consecutiveFailures: failures, coolDownMs },
        'store failing: circuit breaker open, operations fail at once and a probe retries after the cool-down',
      );
    }
    state = 'open';
    openedAt = now();
  };

  return {
    get state() {
      return state;
    },
    refusal() {
      if (state === 'closed') return undefined;
      const at = now();
      if (state === 'open' && at - openedAt >= coolDownMs) {
        state = 'half-open';
        probeStartedAt = at;
        return undefined;
      }
      if (state === 'half-open' && at - probeStartedAt >= coolDownMs) {
        probeStartedAt = at;
        return undefined;
      }
      const retryInMs = state === 'open' ? Math.ceil(coolDownMs - (at - openedAt)) : 0;
      return Object.assign(
        new Error(
          state === 'open'
            ? `circuit breaker open after ${failureThreshold} consecutive failures, next probe in ${retryInMs} ms`
            : 'circuit breaker open, a probe is under way',
        ),
        { name: 'CircuitOpenError', code: CIRCUIT_OPEN },
      );
    },
    succeeded() {
      failures = 0;
      if (state === 'closed') return;
      state = 'closed';
      (logger?.info ?? logger?.warn)?.call(
        logger,
        { store: name },
        'store answers again: circuit breaker closed',
      );
    },
    failed() {
      failures += 1;
      if (state === 'half-open' || (state === 'closed' && failures >= failureThreshold)) open();
    },
  };
}
