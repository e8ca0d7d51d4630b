import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEndpointAllowed, matchesEndpointPattern, staticApiKeySource } from './api-key-source.ts';

describe('matchesEndpointPattern()', () => {
  const cases: [string, string, boolean][] = [
    ['/sso/authtoken/', '/sso/authtoken/', true],
    ['/sso/authtoken/', '/sso/authtoken', false],
    ['/sso/authtoken/', '/SSO/authtoken/', false],
    ['/api/*', '/api/', true],
    ['/api/*', '/api/a/b/c', true],
    ['/api/*', '/apix', false],
    ['*', '/anything', true],
    ['/a/*/c/', '/a/b/c/', true],
    ['/a/*/c/', '/a/b/d/', false],
    ['/a/*b*/', '/a/xbx/', true],
    ['/a/*b*/', '/a/b/', true],
    ['/ab*ba', '/aba', false],
    ['*.json', '/x.json', true],
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'} ${path} against ${pattern}`, () => {
      assert.equal(matchesEndpointPattern(pattern, path), expected);
    });
  }

  it('allows a path when any pattern matches, and nothing when there are no patterns', () => {
    assert.equal(isEndpointAllowed(['/x/', '/api/*'], '/api/y'), true);
    assert.equal(isEndpointAllowed([], '/api/y'), false);
  });
});

describe('staticApiKeySource()', () => {
  it('finds a key and answers undefined for an unknown one', async () => {
    const source = staticApiKeySource([{ apiKey: 'k', secrets: ['s'], allowedEndpoints: ['/x/'] }]);
    assert.equal((await source.findApiKey('k'))?.apiKey, 'k');
    assert.equal(await source.findApiKey('other'), undefined);
  });

  it('refuses a key without a secret and a key listed twice', () => {
    assert.throws(
      () => staticApiKeySource([{ apiKey: 'k', secrets: [], allowedEndpoints: [] }]),
      /no secret/,
    );
    const record = { apiKey: 'k', secrets: ['s'], allowedEndpoints: [] };
    assert.throws(() => staticApiKeySource([record, record]), /twice/);
  });
});
