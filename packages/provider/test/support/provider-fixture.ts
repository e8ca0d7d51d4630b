import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ensureAccount, ensureClient } from '../../src/seeding.ts';
import { type RunningProvider, type ServeProviderOptions, serveProvider } from '../../src/serve-provider.ts';
import type { Python2Client } from './python2-sso-client.ts';

export const CLIENT = {
  apiKey: '5f159b82',
  secret: 'b3c0c3ad2c4a4d3f9d9a1e0c6f1e2d7a',
  host: 'localhost:8000',
};
export const OTHER_CLIENT = {
  apiKey: '0a1b2c3d',
  secret: 'another-secret-of-32-characters!',
  host: 'localhost:8100',
};
export const CALLBACK = 'http://localhost:8000/myssoclient/auth/?redirect=/';

export interface ProviderFixture {
  running: RunningProvider;
  url: string;
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The raw log text, to search for leaked secrets. */
  logText(): string;
  /** The provider's clock is real time plus `offsetMs`; move it to expire tokens. */
  clock: { offsetMs: number; now(): number };
  client: Python2Client;
  otherClient: Python2Client;
  close(): Promise<void>;
}

/**
 * A provider on an ephemeral port with an in-memory SQLite database, a settable clock, a
 * pino logger writing into memory, the two accounts and the client app of the transcripts.
 */
// Shared by every fixture of the process: two providers on one store (shared-store tests) see
// the same key signing, so their test clients must not hand out the same timestamp either.
let lastPython2CallMs = 0;

export async function startProviderFixture(
  options: ServeProviderOptions & { logLevel?: 'debug' | 'info' } = {},
): Promise<ProviderFixture> {
  const { logLevel = 'info', ...serveOptions } = options;
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  let raw = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw += String(chunk);
      done();
    },
  });
  const running = await serveProvider({
    port: 0,
    database: 'sqlite::memory:',
    passwordHashing: { memoryCost: 1024, timeCost: 1 },
    logger: pino({ level: logLevel }, sink),
    now: () => clock.now(),
    ...serveOptions,
  });
  const { provider } = running;
  await ensureAccount(provider.accounts, {
    username: 'user1',
    password: '123',
    firstName: 'User',
    lastName: 'One',
    email: 'user1@example.com',
  });
  await ensureAccount(provider.accounts, {
    username: 'user2',
    password: '456',
    firstName: 'User',
    lastName: 'Two',
    email: 'user2@example.com',
  });
  if (provider.clientStore !== undefined) {
    await ensureClient(provider.clientStore, CLIENT);
    await ensureClient(provider.clientStore, OTHER_CLIENT);
  }
  // Python 2 timestamps have 10 ms resolution: two calls inside 10 ms are one signature. The
  // provider answers those too (python2-client-flow tests it); the test client steps its clock
  // so that each call of a test is distinct, as calls a few milliseconds apart are.
  const python2 = (credentials: { apiKey: string; secret: string }): Python2Client => ({
    ...credentials,
    providerUrl: running.url,
    now: () => {
      lastPython2CallMs = Math.max(lastPython2CallMs + 10, clock.now());
      return lastPython2CallMs;
    },
  });
  return {
    running,
    url: running.url,
    get logs() {
      return raw
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => raw,
    clock,
    client: python2(CLIENT),
    otherClient: python2(OTHER_CLIENT),
    close: () => running.close(),
  };
}
