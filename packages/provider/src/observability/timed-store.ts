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
    wrappers.set(name, async (...args: unknown[]) => {
      const started = performance.now();
      try {
        const result = await (method as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        timer.record((performance.now() - started) / 1000, false);
        return result;
      } catch (error) {
        timer.record((performance.now() - started) / 1000, true);
        throw error;
      }
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
