// Child process: ssokit's provider (createProviderApp) on 127.0.0.1 for the login benchmarks.
// Argument: JSON { databaseUrl?, keyValueStoreUrl?, keyPrefix?, observability? }. It starts alongside the client
// app and registers it once told its host (`register-client`), so neither waits for the other.
import { createServer } from 'node:http';
import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import { listenOnLoopback, serveBenchChild } from '../lib/child-server.ts';
import { createBenchProvider } from '../ssokit/ssokit-provider.ts';

export interface SsokitProviderServerConfig {
  /** @default ':memory:' */
  databaseUrl?: string;
  /** @default the provider's in-memory store */
  keyValueStoreUrl?: string;
  keyPrefix?: string;
  /** Metrics and the audit trail both on or both off, or each on its own. @default the provider's defaults */
  observability?: boolean | { metrics: boolean; audit: boolean };
  /** How many bench accounts to add (an argon2id hash each). @default all of them */
  accounts?: number;
  /** The audit trail's batch interval (`flushIntervalMs`). @default the provider's (250 ms) */
  auditFlushIntervalMs?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as SsokitProviderServerConfig;
const keyValueStore: KeyValueStore | undefined =
  config.keyValueStoreUrl === undefined ? undefined : keyValueStoreFromUrl(config.keyValueStoreUrl);
const provider = await createBenchProvider({
  ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
  ...(keyValueStore === undefined ? {} : { keyValueStore }),
  ...(config.keyPrefix === undefined ? {} : { keyPrefix: config.keyPrefix }),
  ...(config.observability === undefined ? {} : { observability: config.observability }),
  ...(config.accounts === undefined ? {} : { accounts: config.accounts }),
  ...(config.auditFlushIntervalMs === undefined ? {} : { auditFlushIntervalMs: config.auditFlushIntervalMs }),
});
const server = createServer(provider.app);
const url = await listenOnLoopback(server);

// `host` is `127.0.0.1:PORT` of the client app, the host its API key is bound to.
process.on('message', async (message: { type: string; host?: string }) => {
  if (message.type !== 'register-client' || message.host === undefined) return;
  await provider.registerClient(message.host);
  process.send?.({ type: 'client-registered' });
});

serveBenchChild(
  server,
  async () => {
    await provider.close();
    await keyValueStore?.close();
  },
  { url },
);
