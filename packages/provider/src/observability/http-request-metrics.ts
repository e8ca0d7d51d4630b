import type { IncomingMessage, ServerResponse } from 'node:http';
// Imported: the global `performance` is a lazy getter that runs on every access.
import { performance } from 'node:perf_hooks';
import type { HistogramSeries } from './bucket-histogram.ts';
import type { ProviderMetrics } from './provider-metrics.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * Times each request on the public port into the metrics, labelled by route: the name of one
 * of the provider's own paths, or `other` for anything else, so a scan of random URLs adds no
 * series. Counts it in flight until its response is done or the connection drops.
 */
export function httpRequestMetrics(metrics: ProviderMetrics, prefix: string) {
  const routes = new Map<string, string>([
    [`${prefix}reqeusttoken/`, 'reqeusttoken'],
    [`${prefix}requesttoken/`, 'requesttoken'],
    [`${prefix}authtoken/`, 'authtoken'],
    [`${prefix}login/`, 'sso_login'],
    ['/', 'home'],
    ['/login/', 'login'],
    ['/logout/', 'logout'],
  ]);
  const { httpRequestDuration, httpRequestsInFlight } = metrics;
  // Each label set's series is looked up once (bounded: routes x methods x status codes), then
  // found by route, method and status number in turn: no key string is built per request.
  const series = new Map<string, Map<string, Map<number, HistogramSeries>>>();
  const seriesOf = (route: string, method: string, status: number): HistogramSeries => {
    let byMethod = series.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      series.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let found = byStatus.get(status);
    if (found === undefined) {
      found = httpRequestDuration.labels(route, method, String(status));
      byStatus.set(status, found);
    }
    return found;
  };
  return (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const started = performance.now();
    const route = routes.get(path) ?? 'other';
    const method = METHODS.has(req.method ?? '') ? (req.method as string) : 'other';
    httpRequestsInFlight.inc();
    // `on`, not `once`: a response closes once, and `once` wraps every listener in a closure.
    res.on('close', () => {
      httpRequestsInFlight.dec();
      seriesOf(route, method, res.statusCode).observe((performance.now() - started) / 1000);
    });
  };
}
