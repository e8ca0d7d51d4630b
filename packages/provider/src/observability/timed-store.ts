// Imported: the global `performance` is a lazy getter that runs on every access.
import { performance } from 'node:perf_hooks';
import type { ProviderMetrics } from './provider-metrics.ts';

/**
 * The same store with the named async methods timed into the metrics (duration, and an error
 * count for a rejection). Without metrics it is the store itself.
 *
 * The timed store is a plain object made once, not a Proxy: a Proxy's `get` trap runs on every
 * method lookup, with V8's check of the trap's answer against the target's own property, a
 * few hundred instructions for each of the provider's store calls (bench/, section
 * observability). Every other method of the store (its own, its class's) is there bound to
 * the store, so private fields work; other properties read through to the store.
 */
export function timedStore<T extends object>(
  target: T,
  storeName: string,
  metrics: ProviderMetrics | undefined,
  methods: readonly (keyof T & string)[],
): T {
  if (metrics === undefined) return target;
  const timed = Object.create(Object.getPrototypeOf(target)) as Record<string | symbol, unknown>;
  for (const [name, descriptor] of propertiesAlongPrototypes(target)) {
    const property: PropertyDescriptor =
      typeof descriptor.value === 'function'
        ? { value: (descriptor.value as (...a: unknown[]) => unknown).bind(target), writable: true }
        : {
            get: () => Reflect.get(target, name),
            set: (value: unknown) => Reflect.set(target, name, value),
          };
    Object.defineProperty(timed, name, { ...property, enumerable: descriptor.enumerable ?? false });
  }
  for (const name of methods) {
    const method = target[name] as unknown;
    if (typeof method !== 'function') continue;
    const timer = metrics.storeOperation(storeName, name);
    const record = (started: number, failed: boolean) =>
      timer.record((performance.now() - started) / 1000, failed);
    // `then`, not an async function: one promise per call instead of two.
    timed[name] = (...args: unknown[]) => {
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
    };
  }
  return timed as T;
}

/** Each property name of the object and its prototypes (the nearest one's), up to Object's. */
function propertiesAlongPrototypes(object: object): Map<string | symbol, PropertyDescriptor> {
  const found = new Map<string | symbol, PropertyDescriptor>();
  for (
    let at: object | null = object;
    at !== null && at !== Object.prototype;
    at = Object.getPrototypeOf(at)
  ) {
    for (const name of Reflect.ownKeys(at)) {
      if (name === 'constructor' || found.has(name)) continue;
      found.set(name, Object.getOwnPropertyDescriptor(at, name) as PropertyDescriptor);
    }
  }
  return found;
}
