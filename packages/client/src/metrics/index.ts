import { Counter, Histogram, type Registry } from 'prom-client';
import type { SsoClientEvents } from './client-events.ts';

export type { ProviderEndpoint, SsoClientEvents } from './client-events.ts';

export interface SsoClientMetricsOptions {
  /** Prepended to every metric name. @default 'ssokit_client_' */
  prefix?: string;
}

/**
 * Prometheus counters for the client, in the app's own prom-client registry (prom-client is an
 * optional peer dependency: install it to use this). Pass the result as the client's `events`
 * option and publish the registry on the app's `/metrics`:
 *
 * ```ts
 * const registry = new Registry();
 * const sso = createSsoClient({ ..., events: ssoClientMetrics(registry) });
 * app.get('/metrics', async (_req, res) => res.type(registry.contentType).send(await registry.metrics()));
 * ```
 */
export function ssoClientMetrics(registry: Registry, options: SsoClientMetricsOptions = {}): SsoClientEvents {
  const prefix = options.prefix ?? 'ssokit_client_';
  const registers = [registry];
  const started = new Counter({ name: `${prefix}logins_started_total`, help: 'Sign-ins started', registers });
  const completed = new Counter({
    name: `${prefix}logins_completed_total`,
    help: 'Sign-ins finished with a session',
    registers,
  });
  const refused = new Counter({
    name: `${prefix}logins_refused_total`,
    help: 'Sign-ins that could not be started or finished, by stage and SsoError code',
    labelNames: ['stage', 'reason'] as const,
    registers,
  });
  const calls = new Histogram({
    name: `${prefix}provider_call_duration_seconds`,
    help: 'Signed calls to the provider by endpoint and outcome (ok or the SsoError code)',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const callErrors = new Counter({
    name: `${prefix}provider_call_errors_total`,
    help: 'Signed calls to the provider that failed, by endpoint and SsoError code',
    labelNames: ['endpoint', 'outcome'] as const,
    registers,
  });
  const storeErrors = new Counter({
    name: `${prefix}session_store_errors_total`,
    help: 'Session store operations that failed',
    labelNames: ['operation'] as const,
    registers,
  });
  return {
    loginStarted: () => started.inc(),
    loginCompleted: () => completed.inc(),
    loginRefused: (stage, reason) => refused.inc({ stage, reason }),
    providerCall(endpoint, seconds, outcome) {
      calls.observe({ endpoint, outcome }, seconds);
      if (outcome !== 'ok') callErrors.inc({ endpoint, outcome });
    },
    sessionStoreError: (operation) => storeErrors.inc({ operation }),
  };
}
