import { isSsoError } from '@ssokit/protocol';
import type { KeyValueStore } from '@ssokit/stores';
import type { SsoLogger } from '../logging/sso-logger.ts';

/** The provider's back-channel endpoints, by the original's names. */
export type ProviderEndpoint = 'reqeusttoken' | 'authtoken';

/**
 * What the client tells an app about its work, for metrics (see `ssoClientMetrics` in
 * `ssokit/metrics`) or anything else. Every argument comes from a fixed set (endpoint names,
 * `SsoError` codes, store operation names): never a user, token or address, so each can be a
 * metric label. Callbacks run inside requests: keep them quick; one that throws is logged and
 * ignored.
 */
export interface SsoClientEvents {
  /** A sign-in was started: the browser is sent to the provider. */
  loginStarted?(): void;
  /** A sign-in finished: the user has a session. */
  loginCompleted?(): void;
  /**
   * A sign-in could not be started or finished. `stage` says which; `reason` is the
   * `SsoError` code (`PROVIDER_REFUSED`, `PROVIDER_TIMEOUT`, `STORE_UNAVAILABLE`,
   * `LOGIN_STATE_MISMATCH`, …), or `ERROR` for anything else.
   */
  loginRefused?(stage: 'begin' | 'complete', reason: string): void;
  /** One signed call to the provider: how long it took, `ok` or the `SsoError` code. */
  providerCall?(endpoint: ProviderEndpoint, seconds: number, outcome: string): void;
  /** An operation of the session store failed (`get`, `set`, `take`, …). */
  sessionStoreError?(operation: string): void;
}

/** The code of an error, bounded: an `SsoError`'s code or `ERROR`. */
export function errorCode(error: unknown): string {
  return isSsoError(error) ? error.code : 'ERROR';
}

/** The app's callbacks, each made safe to call (a throw is logged once and swallowed). */
export function safeClientEvents(events: SsoClientEvents | undefined, logger: SsoLogger): SsoClientEvents {
  if (events === undefined) return {};
  let reported = false;
  const safe: SsoClientEvents = {};
  for (const name of [
    'loginStarted',
    'loginCompleted',
    'loginRefused',
    'providerCall',
    'sessionStoreError',
  ] as const) {
    const callback = events[name] as ((...args: unknown[]) => void) | undefined;
    if (typeof callback !== 'function') continue;
    (safe as Record<string, unknown>)[name] = (...args: unknown[]) => {
      try {
        callback.apply(events, args);
      } catch (error) {
        if (!reported) {
          reported = true;
          logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            `events.${name} threw`,
          );
        }
      }
    };
  }
  return safe;
}

const OPERATIONS = ['get', 'set', 'add', 'take', 'delete', 'increment'] as const;

/**
 * The session store with each failed operation reported. Only made when the app listens for
 * `sessionStoreError`; the synchronous read (`GET_NOW`) and every other property pass through.
 */
export function reportingSessionStore(store: KeyValueStore, events: SsoClientEvents): KeyValueStore {
  const report = events.sessionStoreError;
  if (report === undefined) return store;
  const wrappers = new Map<string | symbol, unknown>();
  for (const operation of OPERATIONS) {
    const method = store[operation] as (...args: unknown[]) => Promise<unknown>;
    wrappers.set(operation, (...args: unknown[]) =>
      method.apply(store, args).catch((error: unknown) => {
        report(operation);
        throw error;
      }),
    );
  }
  return new Proxy(store, {
    get(target, property) {
      const wrapper = wrappers.get(property);
      if (wrapper !== undefined) return wrapper;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
