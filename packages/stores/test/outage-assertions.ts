import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { SsoError } from '@ssokit/protocol';
import type { KeyValueStore } from '../src/index.ts';

/** The contract says "within a couple of seconds"; the default deadline is 2 s. */
export const REJECTS_WITHIN_MS = 4000;

function everyOperation(store: KeyValueStore): [string, () => Promise<unknown>][] {
  return [
    ['get', () => store.get('k')],
    ['set', () => store.set('k', 'v', 60)],
    ['add', () => store.add('k2', 'v', 60)],
    ['take', () => store.take('k')],
    ['delete', () => store.delete('k')],
    ['increment', () => store.increment('n', 60)],
    ['decrement', () => store.decrement('n')],
  ];
}

/**
 * Every operation of a store whose server is gone rejects in time with a 503
 * `STORE_UNAVAILABLE` naming the store, and never shows the connection's password.
 */
export async function assertEveryOperationUnavailable(
  store: KeyValueStore,
  storeName: string,
  password: string,
): Promise<void> {
  for (const [name, operation] of everyOperation(store)) {
    const started = performance.now();
    const error = await operation().then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    const elapsed = performance.now() - started;
    assert.ok(error instanceof SsoError, `${name}() rejects with an SsoError, got ${String(error)}`);
    assert.equal(error.code, 'STORE_UNAVAILABLE');
    assert.equal(error.status, 503);
    assert.ok(error.message.startsWith(`${storeName} is unavailable: `), `${name}(): ${error.message}`);
    assert.ok(!`${error.message} ${String(error.cause)}`.includes(password), 'the password stays out');
    assert.ok(elapsed < REJECTS_WITHIN_MS, `${name}() rejected after ${Math.round(elapsed)} ms`);
  }
}
