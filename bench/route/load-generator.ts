// Child process: drives one bounded autocannon run against 127.0.0.1 and sends the result back.
import autocannon from 'autocannon';

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
  });
  process.send?.({
    type: 'result',
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
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
