import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SsoError } from '@ssokit/protocol';
import { type KeyValueStore, keyValueStoreFromUrl } from '../src/index.ts';
import { eventually } from '../src/testing/index.ts';
import { type TcpProxy, tcpProxy } from './tcp-proxy.ts';
import {
  skipUnlessInstalled,
  type ThrowawayService,
  throwawayMemcached,
  throwawayRedis,
} from './throwaway-service.ts';

const DEADLINE_MS = 300;
const FAILURE_THRESHOLD = 3;
const COOL_DOWN_MS = 10_000;
const WAVE = 20;

type Outcome = 'ok' | 'timeout' | 'circuit-open' | string;

function outcomeOf(error: unknown): Outcome {
  if (error === undefined) return 'ok';
  assert.ok(error instanceof SsoError, `an SsoError, got ${String(error)}`);
  assert.equal(error.code, 'STORE_UNAVAILABLE');
  assert.equal(error.status, 503);
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  if (code === 'CIRCUIT_OPEN') return 'circuit-open';
  if (code === 'ETIMEDOUT') return 'timeout';
  return String(code ?? error.message);
}

const run = (operation: () => Promise<unknown>) =>
  operation().then(
    () => outcomeOf(undefined),
    (error: unknown) => outcomeOf(error),
  );

function count(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

const stores = [
  {
    name: 'Redis',
    binary: 'redis-server',
    server: () => throwawayRedis(),
    url: (port: number) => `redis://127.0.0.1:${port}`,
  },
  {
    name: 'memcached',
    binary: 'memcached',
    server: () => throwawayMemcached(),
    url: (port: number) => `memcached://127.0.0.1:${port}`,
  },
];

for (const target of stores) {
  describe(`a ${target.name} store that stalls`, { skip: skipUnlessInstalled(target.binary) }, () => {
    let server: ThrowawayService;
    let proxy: TcpProxy;
    before(async () => {
      server = await target.server();
      await server.start();
      proxy = tcpProxy({ host: '127.0.0.1', port: server.port });
      await proxy.start();
    });
    after(async () => {
      await proxy?.stop();
      await server?.dispose();
    });

    it('after a few timeouts fails fast with the breaker, and closes it by itself once the server answers', async () => {
      let clock = 0;
      const lines: string[] = [];
      const store: KeyValueStore = keyValueStoreFromUrl(target.url(proxy.port), {
        keyPrefix: `stall:${randomBytes(4).toString('hex')}:`,
        operationTimeoutMs: DEADLINE_MS,
        circuitBreaker: { failureThreshold: FAILURE_THRESHOLD, coolDownMs: COOL_DOWN_MS, now: () => clock },
        logger: {
          warn: (_details, message) => lines.push(`warn: ${message}`),
          info: (_details, message) => lines.push(`info: ${message}`),
        },
      });
      try {
        await store.set('k', 'before', 60);
        proxy.freeze();
        // Five waves of parallel requests: only the first can reach the deadline; by then the
        // breaker has seen enough timeouts and the later waves fail without waiting.
        const outcomes: Outcome[] = [];
        for (let wave = 0; wave < 5; wave += 1) {
          outcomes.push(
            ...(await Promise.all(
              Array.from({ length: WAVE }, (_, index) =>
                run(() => (index % 2 === 0 ? store.get('k') : store.increment('n', 60))),
              ),
            )),
          );
        }
        const counts = count(outcomes);
        assert.deepEqual(Object.keys(counts).sort(), ['circuit-open', 'timeout'], JSON.stringify(counts));
        assert.ok((counts.timeout ?? 0) <= WAVE, `at most one wave waited: ${JSON.stringify(counts)}`);
        assert.ok((counts['circuit-open'] ?? 0) >= 4 * WAVE, JSON.stringify(counts));

        proxy.thaw();
        // Open until the cool-down has passed on the breaker's clock, even with the server back.
        assert.equal(await run(() => store.get('k')), 'circuit-open');
        clock += COOL_DOWN_MS;
        await eventually(
          async () => {
            const outcome = await run(() => store.set('k', 'back', 60));
            if (outcome === 'circuit-open') clock += COOL_DOWN_MS;
            return outcome === 'ok';
          },
          10_000,
          'the probe closes the breaker',
        );
        const back = await Promise.all(Array.from({ length: WAVE }, () => run(() => store.get('k'))));
        assert.deepEqual(count(back), { ok: WAVE });
        assert.equal(await store.get('k'), 'back');
        const breakerLines = lines.filter((line) => /circuit breaker/.test(line));
        assert.equal(breakerLines.length, 2, breakerLines.join('\n'));
        assert.match(breakerLines[0] ?? '', /^warn: .*open/);
        assert.match(breakerLines[1] ?? '', /^info: .*closed/);
      } finally {
        proxy.thaw();
        await store.close();
      }
    });
  });
}
