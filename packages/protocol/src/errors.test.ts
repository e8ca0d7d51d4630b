import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SSO_ERRORS, SsoError, SsoErrorCode, statusOf, WIRE_ERROR_TEXT } from './errors.ts';

describe('SSO_ERRORS', () => {
  it('gives every code one HTTP status, which every SsoError of that code carries', () => {
    for (const code of Object.values(SsoErrorCode)) {
      const status = statusOf(code);
      assert.ok(status >= 400 && status < 600, `${code}: ${status}`);
      assert.equal(new SsoError(code, 'x').status, status, code);
    }
  });

  it("keeps the original's statuses and texts of PROTOCOL.md", () => {
    assert.deepEqual(SSO_ERRORS.PARAMETER_MISSING, { status: 403, wireText: 'parameter missing' });
    assert.deepEqual(SSO_ERRORS.SIGNATURE_ERROR, { status: 403, wireText: 'signature error' });
    assert.equal(SSO_ERRORS.TIME_DRIFT.status, 403);
    assert.equal(WIRE_ERROR_TEXT.TIME_DRIFT(300), 'time drift > 300 sec');
    assert.equal(new SsoError('REMOTE_HOST_DENIED', 'denied').wireMessage, 'request deny for remote host');
    assert.equal(new SsoError('AUTH_TOKEN_ERROR', 'x').toWireBody().error, 'auth token error');
  });

  it('sends the message on the wire for codes the original did not have', () => {
    assert.equal(new SsoError('MALFORMED_REQUEST', 'repeated parameter').wireMessage, 'repeated parameter');
  });

  it('refuses a status other than the table says, so a throw site cannot choose its own', () => {
    assert.throws(
      () => new SsoError('PARAMETER_MISSING', 'x', { status: 400 }),
      /^TypeError: PARAMETER_MISSING answers 403 \(SSO_ERRORS\), not 400/,
    );
    assert.equal(new SsoError('MALFORMED_REQUEST', 'x', { status: 400 }).status, 400);
  });
});
