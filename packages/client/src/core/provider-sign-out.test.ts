import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signOutLocation } from './provider-sign-out.ts';

const providerLogoutUrl = 'https://sso.example/logout/?api_key=k1';
const request = (host: string | undefined, secure = false) => ({
  headers: host === undefined ? {} : { host },
  secure,
});

describe('signOutLocation', () => {
  it('is the safe target itself when signOutAtProvider is off', () => {
    assert.equal(
      signOutLocation('/bye', request('app.example'), { appUrl: undefined, providerLogoutUrl: undefined }),
      '/bye',
    );
  });

  it('goes through the provider with the absolute return on appUrl, else the request origin', () => {
    const on = { appUrl: 'https://app.example', providerLogoutUrl };
    assert.equal(
      signOutLocation('/bye?x=1', request('ignored.example'), on),
      `${providerLogoutUrl}&next=${encodeURIComponent('https://app.example/bye?x=1')}`,
    );
    assert.equal(
      signOutLocation('/', request('app.example:8443', true), { appUrl: undefined, providerLogoutUrl }),
      `${providerLogoutUrl}&next=${encodeURIComponent('https://app.example:8443/')}`,
    );
    assert.equal(
      signOutLocation('https://other.example/x', request('app.example'), on),
      `${providerLogoutUrl}&next=${encodeURIComponent('https://other.example/x')}`,
    );
  });

  it('stays local when the app cannot tell its own origin (no appUrl, no plain Host)', () => {
    const on = { appUrl: undefined, providerLogoutUrl };
    assert.equal(signOutLocation('/bye', request(undefined), on), '/bye');
    assert.equal(signOutLocation('/bye', request('evil.example/x'), on), '/bye');
  });
});
