import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientRecord } from './client-registry.ts';
import { allowedRedirectTarget, isCallbackTarget } from './redirect-target.ts';

const client = (host: string, scheme?: 'http' | 'https'): ClientRecord => ({
  apiKey: 'k',
  secrets: ['s'],
  allowedEndpoints: [],
  host,
  scheme: scheme ?? null,
});

describe('allowedRedirectTarget()', () => {
  it('accepts next on the registered host and port', () => {
    const url = allowedRedirectTarget(
      'http://localhost:8000/myssoclient/auth/?redirect=/',
      client('localhost:8000'),
    );
    assert.equal(url?.host, 'localhost:8000');
  });

  it('accepts another scheme on the same host:port when no scheme is registered, as the original', () => {
    assert.ok(allowedRedirectTarget('https://localhost:8000/elsewhere/', client('localhost:8000')));
  });

  it('refuses another host', () => {
    assert.equal(allowedRedirectTarget('http://evil.example/cb', client('localhost:8000')), undefined);
  });

  it('refuses the same host on another port', () => {
    assert.equal(allowedRedirectTarget('http://localhost:8001/cb', client('localhost:8000')), undefined);
  });

  it('refuses another scheme when the registration has one', () => {
    assert.equal(allowedRedirectTarget('http://app.example/cb', client('app.example', 'https')), undefined);
    assert.ok(allowedRedirectTarget('https://app.example/cb', client('app.example', 'https')));
  });

  it('treats a missing port as the scheme default on both sides', () => {
    assert.ok(allowedRedirectTarget('https://app.example:443/cb', client('app.example', 'https')));
    assert.ok(allowedRedirectTarget('http://app.example/cb', client('app.example:80')));
    assert.equal(allowedRedirectTarget('http://app.example:8080/cb', client('app.example')), undefined);
  });

  it('compares host names case-insensitively', () => {
    assert.ok(allowedRedirectTarget('http://LOCALHOST:8000/cb', client('localhost:8000')));
  });

  it('refuses credentials, relative URLs and non-http schemes', () => {
    assert.equal(allowedRedirectTarget('http://a:b@localhost:8000/cb', client('localhost:8000')), undefined);
    assert.equal(allowedRedirectTarget('/cb', client('localhost:8000')), undefined);
    assert.equal(
      allowedRedirectTarget('javascript://localhost:8000/%0aalert(1)', client('localhost:8000')),
      undefined,
    );
  });

  it('refuses everything for a client without a host', () => {
    assert.equal(allowedRedirectTarget('http://localhost:8000/', { ...client('x'), host: null }), undefined);
  });
});

describe('isCallbackTarget()', () => {
  const at = (url: string, callbackPath?: string) =>
    isCallbackTarget(new URL(url), { ...client('localhost:8000'), callbackPath: callbackPath ?? null });

  it('accepts only the original callback path when none is registered', () => {
    assert.equal(at('http://localhost:8000/myssoclient/auth/?redirect=/x'), true);
    assert.equal(at('http://localhost:8000/myssoclient/auth'), false);
    assert.equal(at('http://localhost:8000/myssoclient/auth/more'), false);
    assert.equal(at('http://localhost:8000/account/delete/'), false);
  });

  it('accepts the registered path instead, compared after dot segments are resolved', () => {
    assert.equal(at('http://localhost:8000/sso/cb/', '/sso/cb/'), true);
    assert.equal(at('http://localhost:8000/myssoclient/auth/', '/sso/cb/'), false);
    assert.equal(at('http://localhost:8000/sso/cb/../../admin/', '/sso/cb/'), false);
    assert.equal(at('http://localhost:8000/x/../sso/cb/', '/sso/cb/'), true);
  });
});
