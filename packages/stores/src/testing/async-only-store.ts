import type { KeyValueStore } from '../key-value/key-value-store.ts';

/**
 * The same data behind a store that answers only with promises, as Redis or Memcached do:
 * for tests of code that takes a faster path with a store in its own process.
 */
export function asyncOnlyStore(store: KeyValueStore): KeyValueStore {
  return {
    shared: true,
    get: (key) => store.get(key),
    set: (key, value, ttl) => store.set(key, value, ttl),
    add: (key, value, ttl) => store.add(key, value, ttl),
    take: (key) => store.take(key),
    delete: (key) => store.delete(key),
    increment: (key, ttl) => store.increment(key, ttl),
    decrement: (key) => store.decrement(key),
    close: async () => {},
  };
}
