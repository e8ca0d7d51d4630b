import type { KeyValueStore, SqlDatabase } from '@ssokit/stores';
import { sql } from 'kysely';

/**
 * Where the provider is in its life. `starting`: serving 503 while the schema cannot be
 * migrated yet (a database down at start); `serving`; `draining`: stopping, `/readyz` says 503
 * so a load balancer sends no more traffic while the requests in flight finish.
 */
export type ProviderState = 'starting' | 'serving' | 'draining';

export type DependencyStatus = 'ok' | 'down' | 'timeout';

/** The body of `/readyz`. */
export interface ReadinessReport {
  ready: boolean;
  state: ProviderState;
  checks: { database: DependencyStatus; keyValueStore: DependencyStatus };
}

export interface ReadinessOptions {
  database: SqlDatabase<unknown>;
  keyValueStore: KeyValueStore;
  keyPrefix: string;
  state(): ProviderState;
  /** Longest wait for each dependency's answer. @default 1000 */
  timeoutMs?: number;
}

/**
 * Checks that the database (`select 1`) and the key-value store (a read of one key) answer
 * within a short deadline. Probes that arrive together share one check, so a load balancer
 * probing often costs one query per round, whatever the number of probes.
 */
export function readinessCheck(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? 1000;
  const probeKey = `${options.keyPrefix}readyz`;
  let running: Promise<ReadinessReport> | undefined;

  const check = async (): Promise<ReadinessReport> => {
    const [database, keyValueStore] = await Promise.all([
      within(timeoutMs, sql`select 1`.execute(options.database.db)),
      within(timeoutMs, options.keyValueStore.get(probeKey)),
    ]);
    const state = options.state();
    return {
      ready: state === 'serving' && database === 'ok' && keyValueStore === 'ok',
      state,
      checks: { database, keyValueStore },
    };
  };
  return () => {
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };
}

async function within(timeoutMs: number, work: Promise<unknown>): Promise<DependencyStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DependencyStatus>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => 'ok' as const), timeout]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
