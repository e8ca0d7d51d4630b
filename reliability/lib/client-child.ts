// Child process: one of the suite's two client apps, the example app of examples/client-app
// (ssoClient, sessions in Redis, users in PostgreSQL), on a fixed port of 127.0.0.1. Both
// serve one public origin (the first one's), as two processes behind a balancer do.
// Argument: JSON ClientChildConfig.
import { keyValueStoreFromUrl } from '@ssokit/stores';
import { pino } from 'pino';
import { startExampleApp } from '../../examples/client-app/example-app.ts';

export interface ClientChildConfig {
  name: string;
  port: number;
  /** The public origin both client processes serve, the one the API key is bound to. */
  appUrl: string;
  /** The providers' balancer. */
  providerUrl: string;
  apiKey: string;
  secretKey: string;
  /** PostgreSQL, through the suite's proxy. */
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ClientChildConfig;
const sessionStore = keyValueStoreFromUrl(config.redisUrl, { keyPrefix: config.keyPrefix });
const example = await startExampleApp({
  framework: 'express',
  port: config.port,
  host: '127.0.0.1',
  boundOrigin: config.appUrl,
  providerUrl: config.providerUrl,
  apiKey: config.apiKey,
  secretKey: config.secretKey,
  sessionStore,
  database: config.databaseUrl,
  logger: pino({ name: config.name, level: 'info' }),
});
process.send?.({ type: 'ready' });
const shutdown = async () => {
  await example.close().catch(() => undefined);
  await sessionStore.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('disconnect', shutdown);
