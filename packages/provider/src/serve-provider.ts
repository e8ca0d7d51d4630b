import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderOptions } from './config/provider-options.ts';
import { createProvider, type Provider } from './create-provider.ts';
import { createProviderApp, type ProviderApp } from './create-provider-app.ts';

export interface ServeProviderOptions extends ProviderOptions {
  /** Port to listen on; 0 picks a free one. @default 9000 */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
}

export interface RunningProvider {
  /** Base URL, e.g. `http://127.0.0.1:9000`. */
  url: string;
  port: number;
  app: ProviderApp;
  provider: Provider;
  server: Server;
  /** Stops accepting connections, ends idle ones and closes the stores the provider opened. */
  close(): Promise<void>;
}

/** Migrates the schema, then serves the provider over HTTP. */
export async function serveProvider(options: ServeProviderOptions = {}): Promise<RunningProvider> {
  const { port = 9000, host = '127.0.0.1', ...providerOptions } = options;
  const provider = createProvider(providerOptions);
  try {
    await provider.migrate();
  } catch (error) {
    await provider.close();
    throw error;
  }
  provider.logoutNotices.start();
  const app = createProviderApp(provider);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    listening.once('error', reject);
  });
  // Slow or stalled clients must not hold sockets forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    app,
    provider,
    server,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // A request still running after a few seconds is cut off rather than holding the stop.
          setTimeout(() => server.closeAllConnections(), 5000).unref();
        });
        await provider.close();
      })();
      return closing;
    },
  };
}
