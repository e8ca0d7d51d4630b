import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestBrowser } from './browser.ts';
import { hiddenField, loginFormFields } from './login-form.ts';
import { CALLBACK, type ProviderFixture, startProviderFixture } from './provider-fixture.ts';
import { loginPath, requestTokenPath } from './python2-sso-client.ts';

describe('reading the provider login form as a browser would', () => {
  let fixture: ProviderFixture;
  before(async () => {
    fixture = await startProviderFixture();
  });
  after(() => fixture.close());

  it("fills in the provider's own /login/ form, and the fields sign the user in", async () => {
    const browser = new TestBrowser(fixture.url);
    const page = await browser.get('/login/');
    const form = loginFormFields(page.body, 'user1', '123');
    assert.ok(form !== undefined);
    assert.match(form.fields.csrf_token ?? '', /^[0-9a-f]+$/);
    const signedIn = await browser.post(new URL(form.action, `${fixture.url}/login/`).pathname, form.fields);
    assert.equal(signedIn.status, 302);
  });

  it("fills in the SSO page's form, posted back to the page itself, with its next field", async () => {
    const token = (await (await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`)).json()) as {
      request_token: string;
    };
    const page = await new TestBrowser(fixture.url).get(
      loginPath(fixture.client, token.request_token, CALLBACK),
    );
    const form = loginFormFields(page.body, 'user1', '123');
    assert.ok(form !== undefined);
    assert.equal(form.action, '');
    assert.equal(form.fields.next, CALLBACK);
  });

  it('reads back an escaped attribute value', () => {
    assert.equal(
      hiddenField('<input name="next" value="/a?b=1&amp;c=&quot;2&quot;">', 'next'),
      '/a?b=1&c="2"',
    );
  });

  it('finds no login form on a page without one', () => {
    assert.equal(loginFormFields('<p>Signed out</p>', 'user1', '123'), undefined);
    assert.equal(hiddenField('<input name="other" value="1">', 'csrf_token'), undefined);
  });
});
