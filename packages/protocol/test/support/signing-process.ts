/**
 * A separate client process for signer-processes.test.ts, started with `node --import tsx`.
 *   timestamps <count> <startMs>: prints the timestamps of `count` calls, the clock read as
 *     `startMs` plus a microsecond per call (the same clock in every process).
 *   calls <baseUrl> <count> <inFlight>: makes `count` signed GETs of /api/echo/, `inFlight`
 *     at a time, and prints how many got each status (or error code).
 */
import { SsoError } from '../../src/errors.ts';
import { currentTimestamp } from '../../src/request-signer.ts';
import { SignedApiClient } from '../../src/signed-api-client.ts';

const [mode, ...args] = process.argv.slice(2);

if (mode === 'timestamps') {
  const count = Number(args[0]);
  const startMs = Number(args[1]);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(currentTimestamp(startMs + i / 1000));
  process.stdout.write(`${out.join('\n')}\n`);
} else if (mode === 'calls') {
  const [baseUrl, countText, inFlightText] = args as [string, string, string];
  const client = new SignedApiClient({
    baseUrl,
    apiKey: 'k1',
    secretKey: 'secret-one-0123456789',
    timeoutMs: 20_000,
  });
  const outcomes: Record<string, number> = {};
  let next = 0;
  const count = Number(countText);
  const worker = async () => {
    while (next < count) {
      next++;
      let outcome = '200';
      try {
        await client.get('/api/echo/', [['user', 'same-for-all']]);
      } catch (error) {
        outcome = error instanceof SsoError ? `${error.status} ${error.wireMessage}` : String(error);
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Number(inFlightText) }, worker));
  process.stdout.write(`${JSON.stringify(outcomes)}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
