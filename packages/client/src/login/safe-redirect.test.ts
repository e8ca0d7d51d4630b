import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeRedirectTarget } from './safe-redirect.ts';

const noOrigins = { allowedOrigins: [] };
const withOther = { allowedOrigins: ['https://other.example.com'] };

describe('safeRedirectTarget()', () => {
  it('follows paths of this app, with their query and fragment', () => {
    for (const target of ['/', '/x', '/a/b/?q=1&r=%2F#top', '/search?q=a+b', '/%E2%9C%93']) {
      assert.equal(safeRedirectTarget(target, noOrigins), target);
    }
  });

  it('refuses every way of naming another host or a script', () => {
    const attacks = [
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '\\/evil.example',
      'http:evil.example',
      'https:evil.example',
      'http://evil.example/landing',
      'https://evil.example',
      'HTTPS://evil.example',
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '/%2F%2Fevil.example',
      '/%2f%2fevil.example',
      '/%5Cevil.example',
      '/%252F%252Fevil.example',
      '%2F%2Fevil.example',
      '/\tevil',
      '/\n/evil.example',
      '/\u0000/evil.example',
      ' /x',
      '/x ',
      'x',
      '',
      `/${'a'.repeat(2048)}`,
      '/%E0%A4%A',
    ];
    for (const target of attacks) {
      assert.equal(safeRedirectTarget(target, noOrigins), undefined, `followed ${JSON.stringify(target)}`);
      assert.equal(
        safeRedirectTarget(target, withOther),
        undefined,
        `followed ${JSON.stringify(target)} with an allow-list`,
      );
    }
  });

  it('follows an absolute URL only on an allowed origin', () => {
    assert.equal(
      safeRedirectTarget('https://other.example.com/welcome?x=1', withOther),
      'https://other.example.com/welcome?x=1',
    );
    assert.equal(safeRedirectTarget('https://other.example.com/welcome', noOrigins), undefined);
    assert.equal(safeRedirectTarget('http://other.example.com/welcome', withOther), undefined);
    assert.equal(safeRedirectTarget('https://other.example.com:444/', withOther), undefined);
    assert.equal(safeRedirectTarget('https://other.example.com.evil.example/', withOther), undefined);
    assert.equal(safeRedirectTarget('https://user@other.example.com/', withOther), undefined);
    assert.equal(safeRedirectTarget('https:other.example.com/', withOther), undefined);
  });

  it('escapes non-ASCII characters of a path so it fits a Location header', () => {
    assert.equal(safeRedirectTarget('/café menu', noOrigins), '/caf%C3%A9%20menu');
    assert.equal(safeRedirectTarget('/\u{1F511}', noOrigins), '/%F0%9F%94%91');
    assert.equal(safeRedirectTarget('/x\ud800', noOrigins), undefined);
  });

  it('treats no target as no redirect', () => {
    assert.equal(safeRedirectTarget(undefined, noOrigins), undefined);
  });
});
