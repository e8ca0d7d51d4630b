import { parseArgs } from 'node:util';
import { type CliCommand, UsageError } from '../command.ts';
import { DB_FLAG_HELP, databaseUrl, loadProvider } from './provider-database.ts';

function portFrom(
  flag: string | undefined,
  fallback: number | undefined,
  name = '--port',
): number | undefined {
  if (flag === undefined) return fallback;
  const port = Number(flag);
  if (!/^\d+$/.test(flag) || port > 65535) throw new UsageError(`${name} must be a port number (0-65535)`);
  return port;
}

/** Resolves on the first SIGINT or SIGTERM, and stops listening for the other. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const providerServeCommand: CliCommand = {
  path: ['provider', 'serve'],
  summary: 'Run the SSO provider',
  usage: `Usage: ssokit provider serve [--port 9000] [--host 127.0.0.1] [--db URL] [--redis URL] [--prefix /sso/] [--metrics-port N]

Creates or updates the database schema, then serves the provider: the SSO endpoints under
the prefix, the login pages at /, /healthz and /readyz for load balancers. A database that is
down at start does not stop it: it answers 503 and keeps trying until the database is back.
On Ctrl-C (SIGINT) or SIGTERM it drains: /readyz answers 503, no new connections, requests in
flight finish (up to --drain-timeout), then it exits. Logs are JSON lines on stderr.

Options:
  --port N          port (default: SSOKIT_PROVIDER_PORT, else 9000; 0 picks a free one)
  --host H          address to listen on (default: SSOKIT_PROVIDER_HOST, else 127.0.0.1)
${DB_FLAG_HELP}
  --redis URL       store for tokens, sessions and rate limits: redis://… or memcached://…
                    (default: SSOKIT_PROVIDER_REDIS, else in memory, for one process)
  --prefix P        mount point of the SSO endpoints (default: SSOKIT_PROVIDER_PREFIX, else /sso/)
  --metrics-port N  serve Prometheus metrics at /metrics on this port, on --host (default:
                    SSOKIT_PROVIDER_METRICS_PORT, else no metrics listener)
  --drain-timeout S seconds requests in flight may take to finish on SIGTERM (default 10)`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        redis: { type: 'string' },
        prefix: { type: 'string' },
        'metrics-port': { type: 'string' },
        'drain-timeout': { type: 'string' },
      },
    });
    const { defaultProviderLogger, readProviderEnv, serveProvider } = await loadProvider();
    const { keyValueStoreFromUrl, redactUrl } = await import('@ssokit/stores');
    const env = readProviderEnv();
    const port = portFrom(values.port, env.port ?? 9000) as number;
    const metricsPort = portFrom(values['metrics-port'], env.metricsPort, '--metrics-port');
    const drainSeconds = values['drain-timeout'] === undefined ? 10 : Number(values['drain-timeout']);
    if (!Number.isFinite(drainSeconds) || drainSeconds < 0 || drainSeconds > 3600) {
      throw new UsageError('--drain-timeout must be a number of seconds (0-3600)');
    }
    const logger = defaultProviderLogger(env.logLevel);
    const storeUrl = values.redis ?? env.keyValueStoreUrl;
    // The provider prefixes its own keys (ssokit:provider:…); the store adds nothing more.
    const keyValueStore =
      storeUrl === undefined ? undefined : keyValueStoreFromUrl(storeUrl, { keyPrefix: '', logger });
    const prefix = values.prefix ?? env.prefix;
    let running: Awaited<ReturnType<typeof serveProvider>>;
    try {
      running = await serveProvider({
        port,
        host: values.host ?? env.host ?? '127.0.0.1',
        database: databaseUrl(values.db, env),
        ...(env.databaseTimeoutMs === undefined ? {} : { databaseTimeoutMs: env.databaseTimeoutMs }),
        logger,
        ...(keyValueStore === undefined ? {} : { keyValueStore }),
        ...(prefix === undefined ? {} : { prefix }),
        ...(env.trustProxy === undefined ? {} : { trustProxy: env.trustProxy }),
        ...(metricsPort === undefined ? {} : { metricsPort }),
        drainTimeoutMs: drainSeconds * 1000,
      });
    } catch (error) {
      await keyValueStore?.close();
      throw error;
    }
    const stopped = stopSignal();
    io.out(`ssokit provider listening on ${running.url}`);
    io.out(`  database: ${running.provider.database.displayUrl}`);
    io.out(`  store:    ${storeUrl === undefined ? 'memory (this process only)' : redactUrl(storeUrl)}`);
    if (running.metricsUrl !== undefined) io.out(`  metrics:  ${running.metricsUrl}`);
    if (running.provider.state === 'starting') {
      io.out('  database unavailable: answering 503 and trying again in the background');
    }
    io.out(`  SSO endpoints under ${running.provider.options.prefix}; stop with Ctrl-C`);
    const signal = await stopped;
    io.out(`${signal}: stopping`);
    await running.close();
    await keyValueStore?.close();
    return 0;
  },
};
