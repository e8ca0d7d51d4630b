import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { skipUnlessServiceRuns } from '@ssokit/stores/testing';
import type { AuditEvent } from '../src/audit/audit-trail.ts';
import type { SqlClientStore } from '../src/clients/sql-client-store.ts';
import { TestBrowser } from './support/browser.ts';
import { CALLBACK, CLIENT, type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { loginPath, requestTokenPath } from './support/python2-sso-client.ts';
import { ownSignIn, ssoLogin } from './support/sso-login.ts';
import { type Dialect, type TemporaryDatabase, temporaryDatabase } from './support/temporary-database.ts';

const PASSWORD = 'Audit-Passw0rd-Never-Logged';

function auditTrailSuite(dialect: Dialect, skip: string | false) {
  describe(`the audit trail on ${dialect}`, { skip }, () => {
    let database: TemporaryDatabase;
    let fixture: ProviderFixture;
    const secrets: string[] = [PASSWORD, CLIENT.secret];
    const events = async (): Promise<AuditEvent[]> => {
      await fixture.running.provider.audit?.flush();
      return (await fixture.running.provider.audit?.list()) ?? [];
    };
    before(async () => {
      database = await temporaryDatabase(dialect);
      fixture = await startProviderFixture({
        database: database.url,
        rateLimit: { perAccount: 2, perAddress: 50 },
      });
    });
    after(async () => {
      await fixture.close();
      await database.drop();
    });

    it('records account and client administration', async () => {
      const { accounts } = fixture.running.provider;
      const clientStore = fixture.running.provider.clientStore as SqlClientStore;
      await accounts.add({ username: 'carol', password: PASSWORD });
      await accounts.setPassword('carol', `${PASSWORD}-2`);
      await accounts.setActive('carol', false);
      await accounts.remove('carol');
      const added = await clientStore.add({ host: 'app.example:8443' });
      const rotated = await clientStore.rotateSecret(added.apiKey);
      secrets.push(...added.secrets, ...(rotated?.secrets ?? []), `${PASSWORD}-2`);
      await clientStore.retireOldSecrets(added.apiKey);
      await clientStore.remove(added.apiKey);
      const admin = (await events()).filter((event) => !['sign_in'].includes(event.action));
      const seeded = admin.filter((event) => event.username !== 'carol' && event.apiKey !== added.apiKey);
      assert.deepEqual(
        admin
          .filter((event) => !seeded.includes(event))
          .map((event) => [event.action, event.username ?? event.apiKey]),
        [
          ['account_added', 'carol'],
          ['account_password_changed', 'carol'],
          ['account_deactivated', 'carol'],
          ['account_removed', 'carol'],
          ['client_registered', added.apiKey],
          ['client_secret_rotated', added.apiKey],
          ['client_old_secrets_retired', added.apiKey],
          ['client_removed', added.apiKey],
        ],
      );
      assert.equal(
        admin.find((event) => event.action === 'client_registered' && event.apiKey === added.apiKey)?.host,
        'app.example:8443',
      );
    });

    it('records sign-ins with their reason, address and client app, tokens, continue-as and sign-out', async () => {
      const start = (await events()).length;
      const login = await ssoLogin(fixture, 'user1', '123');
      secrets.push(login.requestToken, login.authToken);
      const browser = new TestBrowser(fixture.url);
      await ownSignIn(browser, 'user2', PASSWORD);
      await ownSignIn(browser, 'ghost', PASSWORD);
      await ownSignIn(browser, 'user2', PASSWORD);
      assert.equal((await ownSignIn(browser, 'user2', '456')).status, 429);
      assert.equal((await ownSignIn(browser, 'user1', '123')).status, 302);
      const issued = await fetch(`${fixture.url}${requestTokenPath(fixture.client)}`);
      const { request_token: token } = (await issued.json()) as { request_token: string };
      secrets.push(token);
      // "Continue" is a button of a POST form (a GET never signs in).
      const continuePage = `${loginPath(fixture.client, token, CALLBACK)}`;
      const question = await browser.get(continuePage);
      const continued = await browser.post(continuePage, {
        csrf_token: TestBrowser.csrfField(question.body),
        cwca: 'yes',
      });
      assert.equal(continued.status, 302);
      const form = await browser.get('/logout/');
      assert.equal(
        (await browser.post('/logout/', { csrf_token: TestBrowser.csrfField(form.body) })).status,
        302,
      );

      const recorded = (await events()).slice(start);
      assert.deepEqual(
        recorded.map((event) => [event.action, event.outcome, event.username, event.via, event.apiKey]),
        [
          ['token_issued', null, null, null, CLIENT.apiKey],
          ['sign_in', 'success', 'user1', 'sso', CLIENT.apiKey],
          ['token_redeemed', null, 'user1', null, CLIENT.apiKey],
          ['sign_in', 'wrong_password', 'user2', 'provider', null],
          ['sign_in', 'unknown_user', 'ghost', 'provider', null],
          ['sign_in', 'wrong_password', 'user2', 'provider', null],
          ['sign_in', 'rate_limited', 'user2', 'provider', null],
          ['sign_in', 'success', 'user1', 'provider', null],
          ['token_issued', null, null, null, CLIENT.apiKey],
          ['continue_as', null, 'user1', null, CLIENT.apiKey],
          ['sign_out', null, 'user1', null, null],
        ],
      );
      for (const event of recorded.filter((e) => e.action.startsWith('sign') || e.action === 'continue_as')) {
        assert.equal(event.address, '127.0.0.1');
      }
      assert.ok(recorded.every((event) => event.at instanceof Date && !Number.isNaN(event.at.getTime())));
    });

    it('filters by user and time, newest last', async () => {
      const all = await events();
      const ofUser2 = await fixture.running.provider.audit?.list({ username: 'user2' });
      // Seeded by the fixture, then two wrong passwords and the rate-limited attempt.
      assert.deepEqual(
        ofUser2?.map((event) => event.outcome ?? event.action),
        ['account_added', 'wrong_password', 'wrong_password', 'rate_limited'],
      );
      assert.ok(ofUser2?.every((event) => event.username === 'user2'));
      const later = await fixture.running.provider.audit?.list({ since: new Date(Date.now() + 60_000) });
      assert.deepEqual(later, []);
      const ids = all.map((event) => event.id);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
    });

    it('keeps no password, secret or token, in SQL or in the log', async () => {
      const stored = JSON.stringify(await events());
      const logged = fixture.logText();
      assert.ok(logged.includes('"event":"audit"'));
      for (const secret of secrets) {
        assert.ok(!stored.includes(secret), `the audit table holds ${secret.slice(0, 4)}…`);
        assert.ok(!logged.includes(secret), `the log holds ${secret.slice(0, 4)}…`);
      }
    });

    it('prunes events older than the retention (90 days)', async () => {
      const { provider } = fixture.running;
      fixture.clock.offsetMs = -91 * 86_400_000;
      await provider.accounts.add({ username: 'old-event', password: PASSWORD });
      fixture.clock.offsetMs = -89 * 86_400_000;
      await provider.accounts.add({ username: 'recent-event', password: PASSWORD });
      fixture.clock.offsetMs = 0;
      await provider.audit?.flush();
      assert.equal(await provider.audit?.prune(), 1);
      const names = (await events()).map((event) => event.username);
      assert.ok(!names.includes('old-event'));
      assert.ok(names.includes('recent-event'));
    });
  });
}

auditTrailSuite('sqlite', false);
auditTrailSuite('postgres', await skipUnlessServiceRuns('postgres'));
auditTrailSuite('mysql', await skipUnlessServiceRuns('mysql'));
