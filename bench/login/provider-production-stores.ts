import { createPostgresDatabase, dropPostgresDatabase, serviceUrls } from '../ssokit/client-stores.ts';
import { uniqueStoreNames } from '../ssokit/unique-names.ts';
import type { SsokitProviderServerConfig } from './ssokit-provider-server.ts';

/**
 * A provider's stores as docs/deploy.md runs it in production: a PostgreSQL database of its own
 * (created here, on the bench's server) and the shared Redis under a key prefix of its own.
 */
export interface ProviderProductionStores {
  config: Pick<SsokitProviderServerConfig, 'databaseUrl' | 'keyValueStoreUrl' | 'keyPrefix'>;
  /** Drops the database; the Redis keys expire with their tokens. */
  drop(): Promise<void>;
}

export async function createProviderProductionStores(label: string): Promise<ProviderProductionStores> {
  const names = uniqueStoreNames(label);
  const database = `bench_${names.id}`.toLowerCase();
  return {
    config: {
      databaseUrl: await createPostgresDatabase(database),
      keyValueStoreUrl: serviceUrls.redis,
      keyPrefix: `${names.keyPrefix}provider:`,
    },
    drop: () => dropPostgresDatabase(database),
  };
}
