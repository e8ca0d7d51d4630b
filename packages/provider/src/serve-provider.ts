import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderOptions } from './config/provider-options.ts';
import { createProvider, type Provider } from './create-provider.ts';
import { createProviderApp, type ProviderApp } from './create-provider-app.ts';
import { metricsServer } from './observability/metrics-server.ts';

export interface ServeProviderOptions extends ProviderOptions {
  /** Port to listen on; 0 picks a free one. @default 9000 */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /**
   * Serves Prometheus metrics at `/metrics` on this port (its own listener, never the public
   * port); turns the `metrics` option on. 0 picks a free one.
   * @default undefined (no metrics listener)
   */
  metricsPort?: number;
  /** Address of the metrics listener. @default `host` */
  metricsHost?: string;
  /**
   * On `close()`, how long requests in flight may take to finish before their connections are
   * cut.
   * @default 10000
   */
  drainTimeoutMs?: number;
  /**
   * Wait for the schema to be migrated before listening (and throw if the database is down),
   * instead of listening at once and answering 503 while migrating in the background.
   * @default false
   */
  migrateBeforeListening?: boolean;
}

export interface RunningProvider {
  /** Base URL, e.g. `http://127.0.0.1:9000`. */
  url: string;
  port: number;
  app: ProviderApp;
  provider: Provider;
  server: Server;
  /** `http://host:port/metrics`, when `metricsPort` was given. */
  metricsUrl: string | undefined;
  /** Resolves true once the schema is migrated (false if closed first). */
  migrated: Promise<boolean>;
  /**
   * Graceful stop: `/readyz` answers 503 at once, the server stops accepting connections, the
   * requests in flight finish (up to `drainTimeoutMs`), then the audit trail is written and the
   * stores the provider opened are closed.
   */
  close(): Promise<void>;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

const urlOf = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Serves the provider over HTTP after one attempt at migrating the schema. If that fails (the
 * database is down at start), it listens anyway, answers 503 (and `/readyz` says why) and
 * keeps migrating in the background with backoff until the database is back: no crash loop.
 */
export async function serveProvider(options: ServeProviderOptions = {}): Promise<RunningProvider> {
  const {
    port = 9000,
    host = '127.0.0.1',
    metricsPort,
    metricsHost = host,
    drainTimeoutMs = 10_000,
    migrateBeforeListening = false,
    ...providerOptions
  } = options;
  if (metricsPort !== undefined && providerOptions.metrics === undefined) providerOptions.metrics = true;
  if (metricsPort !== undefined && providerOptions.metrics === false) {
    throw new TypeError('provider.metricsPort needs metrics: leave the metrics option out or set it');
  }
  const provider = createProvider(providerOptions);
  let migrated: Promise<boolean>;
  if (migrateBeforeListening) {
    try {
      await provider.migrate();
    } catch (error) {
      await provider.close();
      throw error;
    }
    migrated = Promise.resolve(true);
  } else {
    // The first attempt is waited for, so with the database up the tables exist when this
    // resolves (callers seed accounts right away); later attempts run in the background.
    let firstAttempt: () => void = () => {};
    const attempted = new Promise<void>((resolve) => {
      firstAttempt = resolve;
    });
    migrated = provider.migrateInBackground(firstAttempt);
    await attempted;
  }
  // Old entries are pruned by the serving process only, once the table exists.
  void migrated.then((done) => done && provider.audit?.startPruning());
  // Logout notices wait in an outbox table: delivered once it exists.
  void migrated.then((done) => done && provider.logoutNotices.start());
  const app = createProviderApp(provider);
  const server = createServer(app);
  // Slow or stalled clients must not hold sockets forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  let metrics: Server | undefined;
  let bound: number;
  try {
    bound = await listen(server, port, host);
    if (metricsPort !== undefined && provider.metrics !== undefined) {
      metrics = metricsServer(provider.metrics.registry);
      await listen(metrics, metricsPort, metricsHost);
    }
  } catch (error) {
    server.close();
    metrics?.close();
    await provider.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: urlOf(host, bound),
    port: bound,
    app,
    provider,
    server,
    metricsUrl:
      metrics === undefined
        ? undefined
        : `${urlOf(metricsHost, (metrics.address() as AddressInfo).port)}/metrics`,
    migrated,
    close() {
      closing ??= (async () => {
        provider.drain();
        await new Promise<void>((resolve) => {
          // Stops accepting and ends idle keep-alive connections; requests in flight finish,
          // each answer saying `Connection: close`.
          server.close(() => resolve());
          const cutOff = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
          cutOff.unref();
          server.once('close', () => clearTimeout(cutOff));
        });
        if (metrics !== undefined) {
          const listener = metrics;
          await new Promise<void>((resolve) => listener.close(() => resolve()));
        }
        await provider.close();
      })();
      return closing;
    },
  };
}
