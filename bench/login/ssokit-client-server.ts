// Child process: ssokit's client app (ssoClient + requireLogin through one adapter: Express,
// Fastify, Hono or fetch) on 127.0.0.1 for the login benchmarks. It listens first, then is told
// the provider's URL. Argument: JSON { kind, names, framework?, timeoutMs? } (which stores,
// under which unique names; the adapter, Express unless given; the provider calls' deadline).
import { createServer } from 'node:http';
import { listenOnLoopback, serveBenchChild } from '../lib/child-server.ts';
import { type ClientStoreKind, type ClientStoreNames, openClientStores } from '../ssokit/client-stores.ts';
import { type BenchFramework, createBenchClientListener } from '../ssokit/ssokit-framework-apps.ts';

export interface SsokitClientServerConfig {
  kind: ClientStoreKind;
  names: ClientStoreNames;
  /** The deadline of the calls to the provider (longer for a provider under valgrind). */
  timeoutMs?: number;
  /** @default 'express' */
  framework?: BenchFramework;
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
const app = await createBenchClientListener(
  config.framework ?? 'express',
  providerUrl,
  stores,
  config.timeoutMs,
);
server.on('request', app.listener);
serveBenchChild(
  server,
  async () => {
    await app.close();
    await stores.close();
  },
  { url },
);
