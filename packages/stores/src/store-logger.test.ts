import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { throttledWarn } from './store-logger.ts';

describe('throttledWarn()', () => {
  it('writes the first line and then at most one line per interval', () => {
    const messages: string[] = [];
    let now = 1_000;
    const warn = throttledWarn({ warn: (_details, message) => messages.push(message) }, 60_000, () => now);
    warn({}, 'first');
    now += 59_999;
    warn({}, 'dropped');
    now += 1;
    warn({}, 'second');
    assert.deepEqual(messages, ['first', 'second']);
  });

  it('does nothing without a logger', () => {
    assert.doesNotThrow(() => throttledWarn(undefined, 1000)({}, 'nobody listens'));
  });
});
