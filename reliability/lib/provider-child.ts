// Child process: one of the suite's two providers (createProviderApp), on a fixed port of
// 127.0.0.1 so a killed provider comes back where the balancer expects it.
// Argument: JSON ProviderChildConfig.
import { createServer } from 'node:http';
import { createProviderApp } from '@ssokit/provider';
import { keyValueStoreFromUrl } from '@ssokit/stores';
import { pino } from 'pino';

export interface ProviderChildConfig {
  name: string;
  port: number;
  /** PostgreSQL, through the suite's proxy. */
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ProviderChildConfig;
const keyValueStore = keyValueStoreFromUrl(config.redisUrl);
const app = createProviderApp({
  database: config.databaseUrl,
  keyValueStore,
  keyPrefix: config.keyPrefix,
  // Behind the suite's balancer: the browser's address is the last X-Forwarded-For entry.
  trustProxy: 1,
  logger: pino({ name: config.name, level: 'info' }),
});
const server = createServer(app);
server.listen(config.port, '127.0.0.1');
server.once('listening', () => {
  // The limits come from the provider's own configuration, whatever its defaults are today.
  process.send?.({ type: 'ready', rateLimit: app.provider.options.rateLimit });
});
const shutdown = async () => {
  server.close();
  server.closeAllConnections();
  await app.provider.close().catch(() => undefined);
  await keyValueStore.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('disconnect', shutdown);
