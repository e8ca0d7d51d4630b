import type { IncomingMessage, ServerResponse } from 'node:http';
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
  // Each label set's series is looked up once (bounded: routes x methods x status codes).
  const series = new Map<string, HistogramSeries>();
  const seriesOf = (route: string, method: string, status: number): HistogramSeries => {
    const key = `${route} ${method} ${status}`;
    let found = series.get(key);
    if (found === undefined) {
      found = httpRequestDuration.labels(route, method, String(status));
      series.set(key, found);
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
