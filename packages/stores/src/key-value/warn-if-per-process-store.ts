import type { StoreLogger } from '../store-logger.ts';
import type { KeyValueStore } from './key-value-store.ts';

// Per store and purpose, so a store created once and used for sessions on every request warns
// once, while a second purpose on the same store still gets its own line.
const warned = new WeakMap<KeyValueStore, Set<string>>();

/**
 * Logs a warning, once per store and purpose, when `store` lives in one process
 * (`shared === false`): tokens, sessions and cached users kept there are invisible to the
 * other processes of the same app, so a login that starts on one worker fails on another.
 * The client and the provider call this for each store they are given. Returns true when it
 * logged.
 *
 * @param purpose what the store holds, e.g. `'sessions'` or `'request tokens'`
 */
export function warnIfPerProcessStore(store: KeyValueStore, purpose: string, logger: StoreLogger): boolean {
  if (store.shared !== false) return false;
  let purposes = warned.get(store);
  if (purposes === undefined) {
    purposes = new Set();
    warned.set(store, purposes);
  }
  if (purposes.has(purpose)) return false;
  purposes.add(purpose);
  logger.warn(
    { purpose, store: 'per-process' },
    `${purpose} are kept in a per-process store: when more than one process serves this app ` +
      '(cluster, several containers), they are not seen by the others; use a shared store: redis://, memcached:// or SQL ' +
      '(postgres://, mysql:// or a SQLite file)',
  );
  return true;
}
