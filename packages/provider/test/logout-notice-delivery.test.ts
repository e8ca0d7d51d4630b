import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { skipUnlessServiceRuns } from '@ssokit/stores/testing';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { ProviderSchema } from '../src/accounts/account-schema.ts';
import type { SqlClientStore } from '../src/clients/sql-client-store.ts';
import { CLIENT_SIGN_INS_TABLE } from '../src/logout/logout-schema.ts';
import { metricValue } from './support/metric-value.ts';
import { type ProviderFixture, startProviderFixture } from './support/provider-fixture.ts';
import { type Dialect, type TemporaryDatabase, temporaryDatabase } from './support/temporary-database.ts';

const DAY = 86_400_000;

function deliverySuite(dialect: Dialect, skip: string | false) {
  describe(`logout notice delivery on ${dialect}: metrics, audit, pruning`, { skip }, () => {
    let database: TemporaryDatabase;
    let fixture: ProviderFixture;
    let registry: Registry;
    let client: Server;
    let answer = 200;
    let received = 0;
    const apiKey = randomBytes(8).toString('hex');

    before(async () => {
      client = createServer((_req, res) => {
        received++;
        res.statusCode = answer;
        res.end();
      });
      await new Promise<void>((resolve) => client.listen(0, '127.0.0.1', resolve));
      const { port } = client.address() as AddressInfo;
      database = await temporaryDatabase(dialect);
      fixture = await startProviderFixture({
        database: database.url,
        metricsPort: 0,
        // The test runs each round itself; the background sender waits an hour between rounds.
        logoutNotices: { pollIntervalMs: 3_600_000, firstRetryMs: 1000 },
      });
      registry = fixture.running.provider.metrics?.registry as Registry;
      await (fixture.running.provider.clientStore as SqlClientStore).add({
        apiKey,
        host: `127.0.0.1:${port}`,
        logoutUrl: `http://127.0.0.1:${port}/myssoclient/logout/`,
      });
      // Let the background sender's first round (at start) pass before the test queues notices.
      await fixture.running.provider.logoutNotices.stop();
    });
    after(async () => {
      await fixture.close();
      await database.drop();
      client.close();
    });

    const auditOf = async (action: string) => {
      await fixture.running.provider.audit?.flush();
      return ((await fixture.running.provider.audit?.list()) ?? []).filter(
        (event) => event.action === action,
      );
    };

    it('counts a delivered notice, times it, and audits it with the client and the account', async () => {
      const { provider } = fixture.running;
      const user1 = await provider.accounts.findByUsername('user1');
      assert.ok(user1);
      await provider.singleLogout.recordSignIn({
        authToken: randomBytes(16).toString('hex'),
        apiKey,
        userId: user1.id,
      });
      await provider.accounts.setActive('user1', false);
      assert.equal(await metricValue(registry, 'ssokit_provider_logout_notices_pending'), 1);

      const round = await provider.logoutNotices.runOnce();
      assert.deepEqual(round, { sent: 1, failed: 0, gaveUp: 0 });
      assert.equal(received, 1);
      assert.equal(
        await metricValue(registry, 'ssokit_provider_logout_notices_total', { outcome: 'delivered' }),
        1,
      );
      assert.equal(
        await metricValue(registry, 'ssokit_provider_logout_notices_total', { outcome: 'failed' }),
        0,
      );
      const timed = await registry
        .getSingleMetric('ssokit_provider_logout_notice_delivery_duration_seconds')
        ?.get();
      const count = timed?.values.find(
        (entry) =>
          (entry as { metricName?: string }).metricName?.endsWith('_count') &&
          entry.labels.result === 'delivered',
      );
      assert.equal(count?.value, 1);
      assert.equal(await metricValue(registry, 'ssokit_provider_logout_notices_pending'), 0);
      const [delivered, ...more] = await auditOf('logout_notice_delivered');
      assert.equal(more.length, 0);
      assert.equal(delivered?.apiKey, apiKey);
      assert.equal(delivered?.username, 'user1');
      await provider.accounts.setActive('user1', true);
    });

    it('counts failed deliveries by why, and gives a notice up after its retry window (audited)', async () => {
      const { provider } = fixture.running;
      const user2 = await provider.accounts.findByUsername('user2');
      assert.ok(user2);
      await provider.singleLogout.recordSignIn({
        authToken: randomBytes(16).toString('hex'),
        apiKey,
        userId: user2.id,
      });
      answer = 503;
      try {
        assert.equal(await provider.singleLogout.endAccountSessions(user2.id), 1);
        assert.deepEqual(await provider.logoutNotices.runOnce(), { sent: 0, failed: 1, gaveUp: 0 });
        assert.equal(
          await metricValue(registry, 'ssokit_provider_logout_notices_total', { outcome: 'failed' }),
          1,
        );
        assert.equal(
          await metricValue(registry, 'ssokit_provider_logout_notice_failures_total', { why: 'refused' }),
          1,
        );
        assert.equal(await metricValue(registry, 'ssokit_provider_logout_notices_pending'), 1);
        assert.equal((await auditOf('logout_notice_given_up')).length, 0);

        fixture.clock.offsetMs = DAY + 60_000;
        assert.deepEqual(await provider.logoutNotices.runOnce(), { sent: 0, failed: 0, gaveUp: 1 });
      } finally {
        fixture.clock.offsetMs = 0;
        answer = 200;
      }
      assert.equal(
        await metricValue(registry, 'ssokit_provider_logout_notices_total', { outcome: 'given_up' }),
        1,
      );
      assert.equal(
        await metricValue(registry, 'ssokit_provider_logout_notices_total', { outcome: 'failed' }),
        2,
      );
      assert.equal(await metricValue(registry, 'ssokit_provider_logout_notices_pending'), 0);
      const [givenUp] = await auditOf('logout_notice_given_up');
      assert.equal(givenUp?.apiKey, apiKey);
      assert.equal(givenUp?.username, 'user2');
      assert.equal(givenUp?.outcome, 'retry_window_over');
      // A failed attempt is counted, never audited one by one.
      assert.equal((await auditOf('logout_notice_failed')).length, 0);
    });

    it('prunes sign-in records older than 30 days, once however many processes prune', async () => {
      const { provider } = fixture.running;
      const user2 = await provider.accounts.findByUsername('user2');
      assert.ok(user2);
      const signIn = (ageDays: number) => {
        fixture.clock.offsetMs = -ageDays * DAY;
        return provider.singleLogout.recordSignIn({
          authToken: randomBytes(16).toString('hex'),
          apiKey,
          userId: user2.id,
        });
      };
      try {
        await signIn(31);
        await signIn(29);
      } finally {
        fixture.clock.offsetMs = 0;
      }
      // Two processes pruning at once: the old record is deleted once, the recent one kept.
      const counts = await Promise.all([provider.logoutNotices.prune(), provider.logoutNotices.prune()]);
      assert.equal(counts[0] + counts[1], 1);
      const kept = await (provider.database.db as Kysely<ProviderSchema>)
        .selectFrom(CLIENT_SIGN_INS_TABLE)
        .select('issued_at')
        .where('user_id', '=', user2.id)
        .execute();
      assert.equal(kept.length, 1);
      assert.ok(Number(kept[0]?.issued_at) > Date.now() - 30 * DAY);
    });
  });
}

deliverySuite('sqlite', false);
deliverySuite('postgres', await skipUnlessServiceRuns('postgres'));
deliverySuite('mysql', await skipUnlessServiceRuns('mysql'));
