import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CIRCUIT_OPEN, circuitBreaker } from './circuit-breaker.ts';

function recording() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      warn: (_details: object, message: string) => lines.push(`warn: ${message}`),
      info: (_details: object, message: string) => lines.push(`info: ${message}`),
    },
  };
}

describe('circuitBreaker()', () => {
  it('opens after the threshold of consecutive failures and refuses with CIRCUIT_OPEN', () => {
    const breaker = circuitBreaker({ name: 'test', failureThreshold: 3, now: () => 0 });
    breaker.failed();
    breaker.failed();
    assert.equal(breaker.refusal(), undefined);
    breaker.failed();
    assert.equal(breaker.state, 'open');
    const refusal = breaker.refusal();
    assert.ok(refusal instanceof Error);
    assert.equal((refusal as { code?: string }).code, CIRCUIT_OPEN);
  });

  it('a success in between starts the count again', () => {
    const breaker = circuitBreaker({ name: 'test', failureThreshold: 2, now: () => 0 });
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    assert.equal(breaker.state, 'closed');
  });

  it('lets one probe through after the cool-down and refuses the others until it answers', () => {
    let now = 0;
    const breaker = circuitBreaker({ name: 'test', failureThreshold: 1, coolDownMs: 1000, now: () => now });
    breaker.failed();
    now = 999;
    assert.ok(breaker.refusal() instanceof Error);
    now = 1000;
    assert.equal(breaker.refusal(), undefined, 'the probe');
    assert.equal(breaker.state, 'half-open');
    assert.ok(breaker.refusal() instanceof Error, 'a second caller during the probe');
    breaker.succeeded();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.refusal(), undefined);
  });

  it('a failed probe opens it for another cool-down', () => {
    let now = 0;
    const breaker = circuitBreaker({ name: 'test', failureThreshold: 1, coolDownMs: 1000, now: () => now });
    breaker.failed();
    now = 1000;
    assert.equal(breaker.refusal(), undefined);
    breaker.failed();
    assert.equal(breaker.state, 'open');
    now = 1999;
    assert.ok(breaker.refusal() instanceof Error);
    now = 2000;
    assert.equal(breaker.refusal(), undefined);
  });

  it('a probe that never reports does not keep it half-open: the next caller probes after a cool-down', () => {
    let now = 0;
    const breaker = circuitBreaker({ name: 'test', failureThreshold: 1, coolDownMs: 1000, now: () => now });
    breaker.failed();
    now = 1000;
    assert.equal(breaker.refusal(), undefined);
    now = 1500;
    assert.ok(breaker.refusal() instanceof Error);
    now = 2000;
    assert.equal(breaker.refusal(), undefined);
  });

  it('logs once when it opens and once when it closes, never per operation', () => {
    let now = 0;
    const { lines, logger } = recording();
    const breaker = circuitBreaker({
      name: 'test',
      failureThreshold: 2,
      coolDownMs: 10,
      now: () => now,
      logger,
    });
    for (let i = 0; i < 10; i += 1) breaker.failed();
    for (let i = 0; i < 10; i += 1) breaker.refusal();
    now = 10;
    breaker.refusal();
    breaker.failed(); // the probe fails: still open, no new line
    now = 20;
    breaker.refusal();
    breaker.succeeded();
    breaker.succeeded();
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0] ?? '', /^warn: .*open/);
    assert.match(lines[1] ?? '', /^info: .*closed/);
  });

  it('refuses a threshold or cool-down that would never open or never close, naming the option', () => {
    assert.throws(() => circuitBreaker({ name: 'x', failureThreshold: 0 }), /failureThreshold/);
    assert.throws(() => circuitBreaker({ name: 'x', failureThreshold: 1.5 }), /failureThreshold/);
    assert.throws(() => circuitBreaker({ name: 'x', coolDownMs: 0 }), /coolDownMs/);
    assert.throws(() => circuitBreaker({ name: 'x', coolDownMs: Number.NaN }), /coolDownMs/);
  });
});
