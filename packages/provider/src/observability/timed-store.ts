// Imported: the global `performance` is a lazy getter that runs on every access.
import { performance } from 'node:perf_hooks';
import type { ProviderMetrics } from './provider-metrics.ts';

/**
 * The same store with the named async methods timed into the metrics (duration, and an error
 * count for a rejection). The wrappers are made once; every other property (including a
 * class's methods, called on the store itself so private fields work) passes through.
 * Without metrics it is the store itself.
 */
export function timedStore<T extends object>(
  target: T,
  storeName: string,
  metrics: ProviderMetrics | undefined,
  methods: readonly (keyof T & string)[],
): T {
  if (metrics === undefined) return target;
  const wrappers = new Map<string | symbol, unknown>();
  for (const name of methods) {
    const method = target[name] as unknown;
    if (typeof method !== 'function') continue;
    const timer = metrics.storeOperation(storeName, name);
    const record = (started: number, failed: boolean) =>
      timer.record((performance.now() - started) / 1000, failed);
    // `then`, not an async function: one promise per call instead of two.
    wrappers.set(name, (...args: unknown[]) => {
      const started = performance.now();
      let result: Promise<unknown>;
      try {
        result = Promise.resolve((method as (...a: unknown[]) => Promise<unknown>).apply(target, args));
      } catch (error) {
        record(started, true);
        return Promise.reject(error);
      }
      return result.then(
        (value) => {
          record(started, false);
          return value;
        },
        (error: unknown) => {
          record(started, true);
          throw error;
        },
      );
    });
  }
  return new Proxy(target, {
    get(object, property) {
      const wrapper = wrappers.get(property);
      if (wrapper !== undefined) return wrapper;
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(object);
      wrappers.set(property, bound);
      return bound;
    },
  });
}
