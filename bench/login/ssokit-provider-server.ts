// Child process: ssokit's provider (createProviderApp) on 127.0.0.1 for the login benchmarks.
// Argument: JSON { clientHost, databaseUrl?, keyValueStoreUrl?, keyPrefix? }.
import { createServer } from 'node:http';
import { type KeyValueStore, keyValueStoreFromUrl } from '@ssokit/stores';
import { listenOnLoopback, serveBenchChild } from '../lib/child-server.ts';
import { createBenchProvider } from '../ssokit/ssokit-provider.ts';

export interface SsokitProviderServerConfig {
  /** `127.0.0.1:PORT` of the client app, the host its API key is bound to. */
  clientHost: string;
  /** @default ':memory:' */
  databaseUrl?: string;
  /** @default the provider's in-memory store */
  keyValueStoreUrl?: string;
  keyPrefix?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as SsokitProviderServerConfig;
const keyValueStore: KeyValueStore | undefined =
  config.keyValueStoreUrl === undefined ? undefined : keyValueStoreFromUrl(config.keyValueStoreUrl);
const provider = await createBenchProvider({
  ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
  ...(keyValueStore === undefined ? {} : { keyValueStore }),
  ...(config.keyPrefix === undefined ? {} : { keyPrefix: config.keyPrefix }),
});
await provider.registerClient(config.clientHost);
const server = createServer(provider.app);
const url = await listenOnLoopback(server);

serveBenchChild(
  server,
  async () => {
    await provider.close();
    await keyValueStore?.close();
  },
  { url },
);
