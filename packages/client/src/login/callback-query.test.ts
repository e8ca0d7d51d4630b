import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SsoError } from '@ssokit/protocol';
import { parseCallbackQuery } from './callback-query.ts';

function refusal(query: string): SsoError {
  try {
    parseCallbackQuery(query);
  } catch (error) {
    assert.ok(error instanceof SsoError);
    return error;
  }
  assert.fail(`accepted ${query}`);
}

describe('parseCallbackQuery()', () => {
  it('reads the query the original provider sends back (transcript 01)', () => {
    const auth = '232fda8e4d09af4e37be042eafcc66b7bac581921e7b5a6c8b883133dd1ebe72';
    assert.deepEqual(parseCallbackQuery(`?redirect=%2F&request_token=ee7a75d8&auth_token=${auth}`), {
      requestToken: 'ee7a75d8',
      authToken: auth,
      redirect: '/',
    });
  });

  it('ignores parameters it does not know', () => {
    assert.equal(parseCallbackQuery('request_token=a&auth_token=b&utm=1&utm=2').redirect, undefined);
  });

  it('refuses missing or empty tokens with a 400 instead of asking the provider about "None"', () => {
    for (const query of ['', '?', 'redirect=%2F', 'request_token=deadbeef', 'request_token=&auth_token=x']) {
      const error = refusal(query);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'CALLBACK_PARAMETER_MISSING');
    }
  });

  it('refuses repeated, malformed, oversized or non-ASCII token parameters with a 400', () => {
    const cases = [
      'request_token=a&request_token=b&auth_token=c',
      'request_token=a&auth_token=c&redirect=/&redirect=//evil',
      'request_token=%FF%FE&auth_token=c',
      'request_token=%E0%A4%A&auth_token=c',
      'request_token=a%20b&auth_token=c',
      'request_token=%C3%A9&auth_token=c',
      `request_token=${'a'.repeat(600)}&auth_token=c`,
      `request_token=a&auth_token=c&pad=${'x'.repeat(5000)}`,
    ];
    for (const query of cases) {
      const error = refusal(query);
      assert.equal(error.status, 400, query);
      assert.equal(error.code, 'MALFORMED_REQUEST', query);
    }
  });

  it('never repeats a token in its error message', () => {
    const error = refusal(`request_token=secret-token-value&request_token=x&auth_token=y`);
    assert.doesNotMatch(error.message, /secret-token-value/);
  });
});
