import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  eventually,
  skipUnlessServiceRuns,
  type TcpProxy,
  tcpProxy,
  testServiceUrls,
  uniqueTestName,
} from '@ssokit/stores/testing';
import pg from 'pg';
import { dropSessionTable, type SessionProcess, startSessionProcess } from './support/session-processes.ts';

// Two client processes over one shared store: a session ended on one is refused on the other
// within 1 s, through a lost and re-established invalidation channel too.

interface Case {
  name: 'redis' | 'postgres' | 'memcached' | 'mysql';
  url: string;
  /** Whether the store tells changes (else the short cache lifetime bounds staleness). */
  told: boolean;
}
const cases: Case[] = [
  { name: 'redis', url: testServiceUrls.redis, told: true },
  { name: 'postgres', url: testServiceUrls.postgres, told: true },
  { name: 'memcached', url: `memcached://${testServiceUrls.memcached}`, told: false },
  { name: 'mysql', url: testServiceUrls.mysql, told: false },
];

/** Reads on `reader` until the session answers from its cache (no promise). */
async function cachedOn(reader: SessionProcess, token: string, username: string): Promise<void> {
  await eventually(
    async () => {
      const reply = await reader.ask({ op: 'read', token });
      assert.equal(reply.user, username, 'the session works');
      return reply.sync === true;
    },
    5000,
    'the session is cached',
    10,
  );
}

/** Polls `reader` until it refuses the session; fails past 1 s. Returns the time taken. */
async function refusedWithinOneSecond(reader: SessionProcess, token: string, what: string): Promise<number> {
  const started = Date.now();
  await eventually(async () => (await reader.ask({ op: 'read', token })).user === null, 1000, what, 10);
  return Date.now() - started;
}

for (const { name, url, told } of cases) {
  describe(`sessions on ${name} in two processes`, { skip: await skipUnlessServiceRuns(name) }, () => {
    const id = uniqueTestName(`coh_${name}`);
    const env = { TEST_STORE_URL: url, TEST_KEY_PREFIX: `${id}:`, TEST_TABLE: id };
    let a: SessionProcess;
    let b: SessionProcess;
    before(async () => {
      [a, b] = await Promise.all([startSessionProcess(env), startSessionProcess(env)]);
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await dropSessionTable(url, id);
    });

    it('a busy session answers from the cache, without a promise', async () => {
      const { token } = await a.ask({ op: 'create', userId: 1 });
      assert.ok(token);
      await cachedOn(b, token, 'user1');
    });

    it('a logout on one process is refused on the other within 1 s', async () => {
      const { token = '' } = await a.ask({ op: 'create', userId: 2 });
      await cachedOn(b, token, 'user2');
      await a.ask({ op: 'logout', token });
      const took = await refusedWithinOneSecond(b, token, 'the other process refuses the session');
      if (told) assert.ok(took < 1000);
    });

    it('removing the user on one process ends their sessions on the other within 1 s', async () => {
      const { token = '' } = await a.ask({ op: 'create', userId: 3 });
      await cachedOn(b, token, 'user3');
      await a.ask({ op: 'removeUser', userId: 3 });
      await refusedWithinOneSecond(b, token, 'the other process refuses the removed user');
      // And a new sign-in of the user works on both at once (the new epoch is read through).
      const again = await b.ask({ op: 'create', userId: 3 });
      assert.equal((await a.ask({ op: 'read', token: again.token ?? '' })).user, 'user3');
    });
  });
}

describe('sessions on redis while the invalidation channel is cut', {
  skip: await skipUnlessServiceRuns('redis'),
}, () => {
  const target = new URL(testServiceUrls.redis);
  let proxy: TcpProxy;
  let a: SessionProcess;
  let b: SessionProcess;
  before(async () => {
    proxy = tcpProxy({ host: target.hostname, port: Number(target.port) || 6379 });
    await proxy.start();
    const prefix = `${uniqueTestName('coh_redis_cut')}:`;
    const env = { TEST_STORE_URL: testServiceUrls.redis, TEST_KEY_PREFIX: prefix };
    [a, b] = await Promise.all([
      startSessionProcess(env),
      startSessionProcess({ ...env, TEST_CHANNEL_PORT: String(proxy.port) }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.stop();
  });

  it('loses no logout: the cache empties, reads go to Redis, and caching resumes when it is back', async () => {
    const { token = '' } = await a.ask({ op: 'create', userId: 1 });
    await cachedOn(b, token, 'user1');
    await proxy.stop();
    await a.ask({ op: 'logout', token });
    await refusedWithinOneSecond(b, token, 'refused while the channel is down');
    const other = await a.ask({ op: 'create', userId: 2 });
    // Down: every read goes to Redis (never from memory), and works.
    const down = await b.ask({ op: 'read', token: other.token ?? '' });
    assert.deepEqual([down.user, down.sync], ['user2', false]);
    await proxy.start();
    await cachedOn(b, other.token ?? '', 'user2');
    await a.ask({ op: 'logout', token: other.token ?? '' });
    await refusedWithinOneSecond(b, other.token ?? '', 'told again once the channel is back');
    assert.equal((await b.ask({ op: 'read', token })).user, null);
  });
});

describe('sessions on postgres while the LISTEN backend is terminated', {
  skip: await skipUnlessServiceRuns('postgres'),
}, () => {
  const table = uniqueTestName('coh_pg_kill');
  const env = { TEST_STORE_URL: testServiceUrls.postgres, TEST_KEY_PREFIX: 'x:', TEST_TABLE: table };
  const admin = new pg.Client({ connectionString: testServiceUrls.postgres });
  let a: SessionProcess;
  let b: SessionProcess;
  before(async () => {
    await admin.connect();
    [a, b] = await Promise.all([startSessionProcess(env), startSessionProcess(env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await admin.end();
    await dropSessionTable(testServiceUrls.postgres, table);
  });

  it('loses no logout: the cache empties and refills, and sessions ended meanwhile stay ended', async () => {
    const { token = '' } = await a.ask({ op: 'create', userId: 1 });
    await cachedOn(b, token, 'user1');
    // Only this test's own listeners: each names itself after its table's channel.
    const { rows } = await admin.query<{ pid: number }>(
      'select pg_terminate_backend(pid), pid from pg_stat_activity where application_name = $1',
      [`ssokit_kv_${table}`],
    );
    assert.equal(rows.length, 2, 'the LISTEN backends of both processes');
    await a.ask({ op: 'logout', token });
    await refusedWithinOneSecond(b, token, 'refused although its notice went to a dead backend');
    const other = await a.ask({ op: 'create', userId: 2 });
    await cachedOn(b, other.token ?? '', 'user2');
    await a.ask({ op: 'logout', token: other.token ?? '' });
    await refusedWithinOneSecond(b, other.token ?? '', 'told again once the channel is back');
  });
});
