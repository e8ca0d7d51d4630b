import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callbackUrlOf, isCrossSite } from './request-origin.ts';

const from = (headers: Record<string, string>) => ({ headers: { host: 'app.example:8000', ...headers } });

describe('isCrossSite()', () => {
  it('lets through a request without Origin or Sec-Fetch-Site (curl, server-side calls)', () => {
    assert.equal(isCrossSite(from({}), undefined), false);
  });

  it("accepts the app's own origin, in any case and with the scheme's default port", () => {
    assert.equal(isCrossSite(from({ origin: 'http://APP.example:8000' }), undefined), false);
    assert.equal(
      isCrossSite({ headers: { host: 'app.example:443', origin: 'https://app.example' } }, undefined),
      false,
    );
    assert.equal(isCrossSite(from({ origin: 'https://app.example' }), 'https://app.example'), false);
  });

  it('refuses another host, another port, a sibling subdomain, Origin null and cross-site fetches', () => {
    for (const origin of [
      'http://evil.example',
      'http://app.example:8001',
      'http://a.app.example:8000',
      'null',
      '%%',
    ]) {
      assert.equal(isCrossSite(from({ origin }), undefined), true, origin);
    }
    assert.equal(isCrossSite(from({ 'sec-fetch-site': 'cross-site' }), undefined), true);
    assert.equal(
      isCrossSite(from({ origin: 'http://app.example:8000' }), 'https://app.example'),
      true,
      'not appUrl',
    );
  });
});

describe('callbackUrlOf()', () => {
  const settings = { appUrl: undefined, callbackPath: '/myssoclient/auth/' };

  it('builds the callback from the Host header and the scheme of the request', () => {
    const request = { method: 'GET', url: '/', headers: { host: 'app.example:8000' }, secure: true };
    assert.equal(callbackUrlOf(request, settings), 'https://app.example:8000/myssoclient/auth/');
  });

  it('prefers appUrl and then never reads the Host header', () => {
    const request = { method: 'GET', url: '/', headers: { host: 'evil.example/x' } };
    assert.equal(
      callbackUrlOf(request, { ...settings, appUrl: 'https://app.example' }),
      'https://app.example/myssoclient/auth/',
    );
  });
});
