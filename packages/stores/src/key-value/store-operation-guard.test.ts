import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SsoError } from '@ssokit/protocol';
import {
  assertOperationTimeout,
  storeOperationGuard,
  storeUnavailableError,
} from './store-operation-guard.ts';

describe('storeOperationGuard()', () => {
  it('passes the result of an operation that answers in time through unchanged', async () => {
    const guard = storeOperationGuard({ storeName: 'test store', timeoutMs: 1000 });
    assert.equal(await guard(async () => 'value'), 'value');
    assert.equal(await guard(async () => undefined), undefined);
  });

  it('rejects an operation that never answers with STORE_UNAVAILABLE 503 once the deadline passes', async () => {
    const guard = storeOperationGuard({ storeName: 'test store', timeoutMs: 30 });
    const error = await guard(() => new Promise(() => {})).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    assert.ok(error instanceof SsoError);
    assert.equal(error.code, 'STORE_UNAVAILABLE');
    assert.equal(error.status, 503);
    assert.equal(error.message, 'test store is unavailable: no answer within 30 ms');
  });

  it('turns a driver failure into STORE_UNAVAILABLE naming the store and the reason', async () => {
    const guard = storeOperationGuard({ storeName: 'redis store 10.0.0.1:6379', timeoutMs: 1000 });
    const driverError = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6379'), {
      code: 'ECONNREFUSED',
    });
    await assert.rejects(
      guard(() => Promise.reject(driverError)),
      (error: unknown) =>
        error instanceof SsoError &&
        error.message === 'redis store 10.0.0.1:6379 is unavailable: connect ECONNREFUSED 10.0.0.1:6379' &&
        (error.cause as { code?: string }).code === 'ECONNREFUSED',
    );
  });
});

describe('storeUnavailableError()', () => {
  it('keeps the keys and values a driver attaches to its error out of the message and cause', () => {
    const driverError = Object.assign(
      new Error("ERR unknown command 'getdel', with args beginning with: 'session:tok-123' "),
      { name: 'ReplyError', command: { name: 'getdel', args: ['session:tok-123', 'secret-value'] } },
    );
    const error = storeUnavailableError('redis store x', driverError);
    assert.equal(error.message, "redis store x is unavailable: ERR unknown command 'getdel'");
    assert.ok(error.cause instanceof Error);
    assert.equal(error.cause.name, 'ReplyError');
    assert.equal('command' in error.cause, false);
    assert.ok(!JSON.stringify({ ...error.cause, message: error.cause.message }).includes('tok-123'));
  });

  it('shortens a very long driver message', () => {
    const error = storeUnavailableError('store', new Error('x'.repeat(5000)));
    assert.ok(error.message.length < 260);
  });
});

describe('assertOperationTimeout()', () => {
  it('refuses a timeout that is zero, negative or not finite, naming the option', () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => assertOperationTimeout(bad, 'operationTimeoutMs'),
        /operationTimeoutMs must be a positive/,
      );
    }
    assert.doesNotThrow(() => assertOperationTimeout(250, 'operationTimeoutMs'));
  });
});

describe('storeOperationGuard() with its circuit breaker', () => {
  const neverAnswers = () => new Promise<never>(() => {});
  const causeCode = (error: unknown) => ((error as SsoError).cause as { code?: string } | undefined)?.code;

  it('after the threshold of timeouts fails at once with CIRCUIT_OPEN, without starting the operation', async () => {
    const guard = storeOperationGuard({
      storeName: 'test store',
      timeoutMs: 20,
      circuitBreaker: { failureThreshold: 2, coolDownMs: 60_000, now: () => 0 },
    });
    for (let i = 0; i < 2; i += 1) {
      const error = await guard(neverAnswers).catch((rejection: unknown) => rejection);
      assert.equal(causeCode(error), 'ETIMEDOUT');
    }
    let started = 0;
    const errors = await Promise.all(
      Array.from({ length: 20 }, () =>
        guard(async () => {
          started += 1;
        }).catch((rejection: unknown) => rejection),
      ),
    );
    assert.equal(started, 0);
    for (const error of errors) {
      assert.ok(error instanceof SsoError);
      assert.equal(error.code, 'STORE_UNAVAILABLE');
      assert.equal(error.status, 503);
      assert.equal(causeCode(error), 'CIRCUIT_OPEN');
    }
  });

  it('does not count an error the server answered with', async () => {
    const guard = storeOperationGuard({
      storeName: 'test store',
      timeoutMs: 1000,
      circuitBreaker: { failureThreshold: 1 },
    });
    const reply = Object.assign(new Error('ERR unknown command'), { name: 'ReplyError' });
    await assert.rejects(guard(() => Promise.reject(reply)));
    assert.equal(await guard(async () => 'still closed'), 'still closed');
  });

  it('circuitBreaker: false never fails fast', async () => {
    const guard = storeOperationGuard({ storeName: 'test store', timeoutMs: 1000, circuitBreaker: false });
    for (let i = 0; i < 20; i += 1) await assert.rejects(guard(() => Promise.reject(new Error('down'))));
    assert.equal(await guard(async () => 'ok'), 'ok');
  });
});

describe('storeUnavailableError() over a lower STORE_UNAVAILABLE', () => {
  it('keeps the sanitized lower error as the cause and takes a message shown to visitors', () => {
    const lower = storeUnavailableError('redis store x', new Error('connect ECONNREFUSED'));
    const error = storeUnavailableError('the session store', lower, { message: 'please try again shortly' });
    assert.equal(error.cause, lower);
    assert.equal(error.message, 'please try again shortly');
    assert.equal(error.status, 503);
  });
});
