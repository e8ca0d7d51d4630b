import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { BucketHistogram } from './bucket-histogram.ts';
import type { ProviderEvent, ProviderObserver } from './provider-events.ts';
import { SeriesCounter } from './series-counter.ts';

/** Seconds: from a cached SQLite read (~50 µs) to a stalled store hitting its 2 s deadline. */
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds: a signed call (~1 ms) to a sign-in with its argon2 hash (~50-500 ms). */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Seconds: a client app on the same network (~5 ms) to one at the 5 s delivery deadline. */
const NOTICE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The provider's Prometheus metrics, in a registry of its own (never prom-client's global
 * one), so several providers in one process, and tests, each count their own. Every label
 * value comes from a fixed set (outcomes, route names, method names): never a username,
 * token, address or API key.
 */
export interface ProviderMetrics {
  readonly registry: Registry;
  readonly observer: ProviderObserver;
  /** Times one operation of a store: `store` and `operation` come from code, not input. */
  storeOperation(store: string, operation: string): StoreOperationTimer;
  /** Request durations: `.labels(route, method, status)` once per label set, then `observe(seconds)`. */
  readonly httpRequestDuration: BucketHistogram<'route' | 'method' | 'status'>;
  /** Requests being answered: a plain count, read into its gauge when the registry exports. */
  readonly httpRequestsInFlight: { inc(): void; dec(): void };
  /** 1 while `/readyz` would answer 200. */
  readonly ready: Gauge;
  /** Where `ssokit_provider_logout_notices_pending` is read from at each scrape. */
  countPendingLogoutNotices(count: () => Promise<number>): void;
}

export interface StoreOperationTimer {
  /** Records one call that took `seconds` and ended well or with an error. */
  record(seconds: number, failed: boolean): void;
}

export interface ProviderMetricsOptions {
  /** A registry to add to (one per provider). @default a new Registry */
  registry?: Registry;
  /** Node's default process metrics (CPU, memory, event loop lag, GC). @default true */
  processMetrics?: boolean;
}

export function providerMetrics(options: ProviderMetricsOptions = {}): ProviderMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  // The counters of every login are SeriesCounters (see there); the rarer ones prom-client's.
  const signIns = new SeriesCounter({
    name: 'ssokit_provider_sign_ins_total',
    help: 'Sign-in attempts by outcome and form (provider: its own /login/, sso: the SSO page)',
    labelNames: ['outcome', 'via'] as const,
    registers,
  });
  const rateLimited = new SeriesCounter({
    name: 'ssokit_provider_rate_limit_refusals_total',
    help: 'Sign-ins refused by the rate limiter',
    labelNames: ['via'] as const,
    registers,
  });
  const signedCalls = new SeriesCounter({
    name: 'ssokit_provider_signed_calls_total',
    help: 'Signed back-channel calls by endpoint and outcome (ok or the refusal code)',
    labelNames: ['endpoint', 'outcome'] as const,
    registers,
  });
  const tokensIssued = new SeriesCounter({
    name: 'ssokit_provider_tokens_issued_total',
    help: 'Request tokens handed out (reqeusttoken/)',
    registers,
  }).labels();
  const tokensRedeemed = new SeriesCounter({
    name: 'ssokit_provider_tokens_redeemed_total',
    help: 'Bound request tokens traded for a user (authtoken/)',
    registers,
  }).labels();
  const continued = new SeriesCounter({
    name: 'ssokit_provider_continue_as_total',
    help: 'SSO logins that continued with the provider session ("Continue as")',
    registers,
  }).labels();
  const signOuts = new SeriesCounter({
    name: 'ssokit_provider_sign_outs_total',
    help: 'Provider sessions ended at /logout/',
    registers,
  }).labels();
  const adminChanges = new Counter({
    name: 'ssokit_provider_admin_changes_total',
    help: 'Accounts and client registrations added, removed or changed',
    labelNames: ['action'] as const,
    registers,
  });
  const storeDuration = new BucketHistogram({
    name: 'ssokit_provider_store_operation_duration_seconds',
    help: 'Operations of the key-value store and the database, by store and operation',
    labelNames: ['store', 'operation'] as const,
    buckets: STORE_BUCKETS,
    registers,
  });
  const storeErrors = new Counter({
    name: 'ssokit_provider_store_operation_errors_total',
    help: 'Operations of the key-value store and the database that failed',
    labelNames: ['store', 'operation'] as const,
    registers,
  });
  const httpRequestDuration = new BucketHistogram({
    name: 'ssokit_provider_http_request_duration_seconds',
    help: 'HTTP requests on the public port by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  // prom-client's `inc()`/`dec()` hash the (empty) labels each time: two per request.
  let inFlight = 0;
  const httpRequestsInFlight = {
    inc: () => {
      inFlight++;
    },
    dec: () => {
      inFlight--;
    },
  };
  new Gauge({
    name: 'ssokit_provider_http_requests_in_flight',
    help: 'HTTP requests on the public port being answered',
    registers,
    collect() {
      this.set(inFlight);
    },
  });
  const ready = new Gauge({
    name: 'ssokit_provider_ready',
    help: '1 when the provider serves (schema migrated, not draining), else 0',
    registers,
  });

  const logoutNotices = new Counter({
    name: 'ssokit_provider_logout_notices_total',
    help: 'Logout notice deliveries by outcome (delivered, failed: will retry, given_up, no_logout_url)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const logoutNoticeFailures = new Counter({
    name: 'ssokit_provider_logout_notice_failures_total',
    help: 'Failed logout notice deliveries by why (refused: a non-2xx answer, timeout, unreachable)',
    labelNames: ['why'] as const,
    registers,
  });
  const logoutNoticeDuration = new BucketHistogram({
    name: 'ssokit_provider_logout_notice_delivery_duration_seconds',
    help: 'Deliveries of logout notices to client apps, by result (delivered or failed)',
    labelNames: ['result'] as const,
    buckets: NOTICE_BUCKETS,
    registers,
  });
  let pendingNotices: (() => Promise<number>) | undefined;
  new Gauge({
    name: 'ssokit_provider_logout_notices_pending',
    help: 'Logout notices waiting in the outbox (due or backing off), counted at each scrape',
    registers,
    async collect() {
      // A database that does not answer leaves the last value: a scrape must not fail for it.
      if (pendingNotices === undefined) return;
      const count = await pendingNotices().catch(() => undefined);
      if (count !== undefined) this.set(count);
    },
  });

  const observer: ProviderObserver = {
    event(event: ProviderEvent) {
      switch (event.type) {
        case 'sign_in':
          signIns.labels(event.outcome, event.via).inc();
          if (event.outcome === 'rate_limited') rateLimited.labels(event.via).inc();
          return;
        case 'signed_call':
          signedCalls.labels(event.endpoint, event.outcome).inc();
          return;
        case 'token_issued':
          tokensIssued.inc();
          return;
        case 'token_redeemed':
          tokensRedeemed.inc();
          return;
        case 'continue_as':
          continued.inc();
          return;
        case 'sign_out':
          signOuts.inc();
          return;
        case 'logout_notice_delivered':
          logoutNotices.inc({ outcome: 'delivered' });
          logoutNoticeDuration.labels('delivered').observe(event.seconds);
          return;
        case 'logout_notice_failed':
          logoutNotices.inc({ outcome: 'failed' });
          logoutNoticeFailures.inc({ why: event.outcome });
          logoutNoticeDuration.labels('failed').observe(event.seconds);
          return;
        case 'logout_notice_given_up':
          logoutNotices.inc({ outcome: event.outcome === 'no_logout_url' ? 'no_logout_url' : 'given_up' });
          return;
        default:
          adminChanges.inc({ action: event.type });
      }
    },
  };

  return {
    registry,
    observer,
    storeOperation(store, operation) {
      const duration = storeDuration.labels(store, operation);
      const errors = storeErrors.labels(store, operation);
      return {
        record(seconds, failed) {
          duration.observe(seconds);
          if (failed) errors.inc();
        },
      };
    },
    httpRequestDuration,
    httpRequestsInFlight,
    ready,
    countPendingLogoutNotices(count) {
      pendingNotices = count;
    },
  };
}
