import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serveProvider, silentLogger } from '@ssokit/provider';
import { skipUnlessServiceRuns } from '@ssokit/stores/testing';
import {
  type Dialect,
  type TemporaryDatabase,
  temporaryDatabase,
} from '../../../provider/test/support/temporary-database.ts';
import { main } from '../main.ts';
import { parseSince } from './provider-audit.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A sign-in at the provider's own /login/ (CSRF cookie and field, then the form). */
async function signIn(url: string, username: string, password: string): Promise<number> {
  const form = await fetch(`${url}/login/`);
  const cookie = (form.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const posted = await fetch(`${url}/login/`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf_token: csrf, username, password }).toString(),
    redirect: 'manual',
  });
  await posted.text();
  return posted.status;
}

function auditCommandSuite(dialect: Dialect, skip: string | false) {
  describe(`ssokit provider audit on ${dialect}`, { skip }, () => {
    let database: TemporaryDatabase;
    let folder: string;
    const password = 'Cli-Audit-Passw0rd';
    before(async () => {
      folder = mkdtempSync(join(tmpdir(), 'ssokit-audit-cli-'));
      database = await temporaryDatabase(dialect);
      if (dialect === 'sqlite')
        database = { url: `sqlite:${join(folder, 'p.sqlite')}`, drop: async () => {} };
    });
    after(async () => {
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    });

    it('lists what the admin commands and the running provider did, by user, since a date, as JSON', async () => {
      const db = database.url;
      assert.equal(
        (await run('provider', 'user', 'add', 'dora', '--password', password, '--db', db)).code,
        0,
      );
      assert.equal((await run('provider', 'user', 'add', 'eve', '--password', password, '--db', db)).code, 0);
      const running = await serveProvider({
        port: 0,
        database: db,
        logger: silentLogger,
        passwordHashing: { memoryCost: 1024, timeCost: 1 },
      });
      try {
        assert.equal(await signIn(running.url, 'dora', password), 302);
        assert.equal(await signIn(running.url, 'dora', 'not-it'), 200);
        assert.equal(await signIn(running.url, 'eve', password), 302);
      } finally {
        await running.close();
      }
      assert.equal((await run('provider', 'user', 'deactivate', 'eve', '--db', db)).code, 0);

      const table = await run('provider', 'audit', '--db', db);
      assert.equal(table.code, 0, table.err);
      const lines = table.out.split('\n');
      assert.match(lines[0] ?? '', /^AT\s+ACTION\s+OUTCOME\s+USER\s+ADDRESS/);
      assert.match(table.out, /sign_in\s+wrong_password\s+dora\s+127\.0\.0\.1/);
      assert.match(table.out, /account_deactivated\s+eve/);

      const json = await run('provider', 'audit', '--db', db, '--user', 'dora', '--json');
      assert.equal(json.code, 0, json.err);
      const events = json.out.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(
        events.map((event) => [event.action, event.outcome]),
        [
          ['account_added', null],
          ['sign_in', 'success'],
          ['sign_in', 'wrong_password'],
        ],
      );
      assert.ok(events.every((event) => event.username === 'dora' && typeof event.at === 'string'));
      assert.ok(!json.out.includes(password) && !table.out.includes(password));

      const none = await run('provider', 'audit', '--db', db, '--since', '2999-01-01');
      assert.equal(none.out, 'no audit events');
      const recent = await run('provider', 'audit', '--db', db, '--since', '1h', '--user', 'eve', '--json');
      // Deactivating also ends eve's sessions everywhere, which the trail records after it.
      assert.deepEqual(
        recent.out
          .split('\n')
          .map((line) => (JSON.parse(line) as { action: string }).action)
          .sort(),
        ['account_added', 'account_deactivated', 'sessions_ended', 'sign_in'],
      );
    });
  });
}

auditCommandSuite('sqlite', false);
auditCommandSuite('postgres', await skipUnlessServiceRuns('postgres'));
auditCommandSuite('mysql', await skipUnlessServiceRuns('mysql'));

describe('ssokit provider audit arguments', () => {
  it('reads --since as a date, a date-time or a span back from now', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    assert.equal(parseSince('2026-11-30', now).toISOString(), '2026-11-30T00:00:00.000Z');
    assert.equal(parseSince('7d', now).toISOString(), '2026-11-24T12:00:00.000Z');
    assert.equal(parseSince('90m', now).toISOString(), '2026-12-01T10:30:00.000Z');
  });

  it('refuses a bad --since or --limit with a usage error', async () => {
    const since = await run('provider', 'audit', '--since', 'yesterday');
    assert.equal(since.code, 2);
    assert.match(since.err, /--since must be a date/);
    const limit = await run('provider', 'audit', '--limit', '0');
    assert.equal(limit.code, 2);
  });
});

describe('ssokit provider --help', () => {
  it('lists the provider sub-commands, exit 0; a bare group lists them on stderr, exit 2', async () => {
    const help = await run('provider', '--help');
    assert.equal(help.code, 0);
    for (const command of ['provider serve', 'provider user add', 'provider client add', 'provider audit']) {
      assert.ok(help.out.includes(`ssokit ${command} `), command);
    }
    assert.ok(!help.out.includes('ssokit sign '));
    const bare = await run('provider', 'user');
    assert.equal(bare.code, 2);
    assert.match(bare.err, /ssokit provider user deactivate/);
    assert.match((await run('provider', 'nonsense')).err, /unknown command/);
  });
});
