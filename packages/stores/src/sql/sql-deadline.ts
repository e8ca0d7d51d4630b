import type { CircuitBreaker } from '../circuit-breaker.ts';
import { isOutageError } from '../is-outage-error.ts';

/** What a deadline pool needs: the deadline of each step and the database's breaker. */
export interface SqlDeadline {
  /** Longest wait for a pooled connection (including connecting) and for each query. */
  timeoutMs: number;
  breaker: CircuitBreaker | undefined;
}

/** The error of a pool acquire or query that missed its deadline (counted by the breaker). */
export function sqlTimeoutError(step: 'connection' | 'query', timeoutMs: number): Error {
  return Object.assign(
    new Error(`no ${step === 'query' ? 'answer to the query' : 'connection'} within ${timeoutMs} ms`),
    {
      code: 'ETIMEDOUT',
    },
  );
}

/** Tells the breaker what a query's failure says about the server. */
export function recordQueryFailure(breaker: CircuitBreaker | undefined, error: unknown): void {
  if (isOutageError(error)) breaker?.failed();
  else breaker?.succeeded();
}
