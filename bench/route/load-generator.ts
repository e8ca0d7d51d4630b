// Child process: drives one bounded autocannon run against 127.0.0.1 and sends the result back.
import autocannon from 'autocannon';

const SAMPLE_INTERVAL_MS = 100;

interface LoadRequest {
  type: 'run';
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

process.on('message', async (message: LoadRequest) => {
  if (message.type !== 'run') return;
  const url = new URL(message.url);
  if (url.hostname !== '127.0.0.1') throw new Error('the load generator only targets 127.0.0.1');
  const result = await autocannon({
    url: message.url,
    headers: message.headers,
    connections: message.connections,
    duration: message.durationSeconds,
    // autocannon stops at the first sample tick after the duration: with its default of one
    // second, a 0.5 s window ran for a whole second.
    sampleInt: SAMPLE_INTERVAL_MS,
  });
  process.send?.({
    type: 'result',
    requests: result.requests.total,
    // `requests.average` is the mean count per sample interval.
    requestsPerSecond: result.requests.average * (1000 / SAMPLE_INTERVAL_MS),
    meanLatency: result.latency.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  });
});
// The bench process is gone: stop with it.
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
