import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { storeUnavailable } from './client-context.ts';

const TOKEN = '6f1d0c9e2b7a4c3e8d5f6a7b8c9d0e1f';

describe('storeUnavailable()', () => {
  it('keeps the driver’s error object, with its keys and SQL parameters, out of the cause', () => {
    // What ioredis and mysql2 attach to their errors: the command with its keys, the statement.
    const driverError = Object.assign(new Error('Connection is closed.'), {
      code: 'ECONNRESET',
      command: { name: 'get', args: [`ssokit:session:${TOKEN}`] },
      sql: `select * from ssokit_users where session = '${TOKEN}'`,
    });
    const error = storeUnavailable(driverError, 'session store');
    assert.equal(error.code, 'STORE_UNAVAILABLE');
    assert.equal(error.status, 503);
    assert.equal(error.message, 'the session store is unavailable, please try again shortly');
    assert.notEqual(error.cause, driverError);
    assert.equal((error.cause as { code?: unknown }).code, 'ECONNRESET', 'the code stays for the operator');
    const logged = inspect(error, { depth: 10 }) + JSON.stringify({ err: error, cause: error.cause });
    assert.ok(!logged.includes(TOKEN), `the token reached the log: ${logged}`);
  });
});
