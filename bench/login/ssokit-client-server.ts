// Child process: ssokit's client app (Express, ssoClient + requireLogin) on 127.0.0.1 for the
// login benchmarks. It listens first, then is told the provider's URL.
// Argument: JSON { kind, names } (which stores, under which unique names).
import { createServer } from 'node:http';
import { seedStoreSessions } from '../growth/seed-key-value.ts';
import { listenOnLoopback, serveBenchChild } from '../lib/child-server.ts';
import { type ClientStoreKind, type ClientStoreNames, openClientStores } from '../ssokit/client-stores.ts';
import { createBenchClientApp } from '../ssokit/ssokit-client-app.ts';

export interface SsokitClientServerConfig {
  kind: ClientStoreKind;
  names: ClientStoreNames;
  /** Sessions to write into the in-memory session store before serving (growth runs). */
  seedMemorySessions?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as SsokitClientServerConfig;
const server = createServer();
const url = await listenOnLoopback(server);
process.send?.({ type: 'listening', url });

const providerUrl = await new Promise<string>((resolve) => {
  const onMessage = (message: { type: string; providerUrl?: string }) => {
    if (message.type !== 'configure' || message.providerUrl === undefined) return;
    process.off('message', onMessage);
    resolve(message.providerUrl);
  };
  process.on('message', onMessage);
});
const stores = openClientStores(config.kind, config.names);
if (config.seedMemorySessions !== undefined)
  await seedStoreSessions(stores.sessionStore, 0, config.seedMemorySessions);
server.on('request', createBenchClientApp(providerUrl, stores));

// Growth runs add sessions to the in-memory store between measurements.
process.on('message', async (message: { type: string; from?: number; to?: number }) => {
  if (message.type !== 'seed') return;
  await seedStoreSessions(stores.sessionStore, message.from ?? 0, message.to ?? 0);
  process.send?.({ type: 'seeded' });
});
serveBenchChild(server, () => stores.close(), { url });
