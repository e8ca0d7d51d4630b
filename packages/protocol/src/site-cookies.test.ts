import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clearedCookie, readCookie, siteCookie } from './site-cookies.ts';

describe('readCookie()', () => {
  it('reads one cookie among others, decoding its value', () => {
    assert.equal(readCookie('a=1; ssokit_session=x%20y; b=2', 'ssokit_session'), 'x y');
  });

  it('is undefined for no header, an empty header, or a header without the cookie', () => {
    assert.equal(readCookie(undefined, 'ssokit_session'), undefined);
    assert.equal(readCookie('', 'ssokit_session'), undefined);
    assert.equal(readCookie('ssokit_session_other=1', 'ssokit_session'), undefined);
  });

  it('does not mistake a value naming the cookie for the cookie', () => {
    assert.equal(readCookie('a=ssokit_session', 'ssokit_session'), undefined);
  });
});

describe('siteCookie()', () => {
  it('writes an HttpOnly, SameSite=Lax cookie for the whole site with a whole-second lifetime', () => {
    assert.equal(
      siteCookie('ssokit_session', 'tok', { secure: false, maxAgeSeconds: 300.9 }),
      'ssokit_session=tok; Max-Age=300; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('adds Secure under https and leaves out Max-Age for a browser-session cookie', () => {
    assert.equal(
      siteCookie('ssokit_provider_session', 'tok', { secure: true }),
      'ssokit_provider_session=tok; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });

  it('refuses a name the Set-Cookie grammar does not allow instead of writing a broken header', () => {
    assert.throws(() => siteCookie('bad name', 'v', { secure: false }), TypeError);
  });
});

describe('clearedCookie()', () => {
  it('empties the cookie with Max-Age=0 and an Expires in 1970', () => {
    assert.equal(
      clearedCookie('ssokit_session', { secure: true }),
      'ssokit_session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
  });
});
