import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOutageError } from './is-outage-error.ts';

describe('isOutageError()', () => {
  it('counts timeouts, refused and lost connections', () => {
    assert.equal(isOutageError(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })), true);
    assert.equal(isOutageError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isOutageError(new Error('timeout exceeded when trying to connect')), true);
    assert.equal(
      isOutageError(Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })),
      true,
    );
    assert.equal(isOutageError('a string'), true);
  });

  it('does not count an error the server answered with', () => {
    assert.equal(
      isOutageError(Object.assign(new Error('ERR unknown command'), { name: 'ReplyError' })),
      false,
    );
    assert.equal(isOutageError(Object.assign(new Error('duplicate key'), { code: '23505' })), false);
    assert.equal(
      isOutageError(Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY', sqlState: '23000' })),
      false,
    );
  });

  it('counts server answers that mean "not now"', () => {
    assert.equal(
      isOutageError(Object.assign(new Error('LOADING Redis is loading'), { name: 'ReplyError' })),
      true,
    );
    assert.equal(isOutageError(Object.assign(new Error('canceling statement'), { code: '57014' })), true);
    assert.equal(isOutageError(Object.assign(new Error('too many'), { code: '53300' })), true);
  });
});
