import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openSqlDatabase, runMigrations, type SqlDatabase } from '@ssokit/stores';
import { skipUnlessServiceRuns } from '@ssokit/stores/testing';
import type { Kysely } from 'kysely';
import { auditInsert } from '../src/audit/audit-insert.ts';
import { AUDIT_MIGRATION_TABLE, type AuditSchema, auditMigrations } from '../src/audit/audit-schema.ts';
import { sqlAuditTrail } from '../src/audit/audit-trail.ts';
import { type Dialect, type TemporaryDatabase, temporaryDatabase } from './support/temporary-database.ts';

const silent = { info() {}, warn() {}, error() {} };

function upgradeSuite(dialect: Dialect, skip: string | false) {
  describe(`an audit table of the first schema on ${dialect}`, { skip }, () => {
    let temporary: TemporaryDatabase;
    let database: SqlDatabase<unknown>;
    before(async () => {
      temporary = await temporaryDatabase(dialect);
      database = openSqlDatabase({ url: temporary.url });
    });
    after(async () => {
      await database?.close();
      await temporary?.drop();
    });

    it('keeps its events through the index change and lists them by user, newest last', async () => {
      const first = auditMigrations(database.dialect)['0001-audit'];
      assert.ok(first);
      await runMigrations(database.db as Kysely<unknown>, { '0001-audit': first }, AUDIT_MIGRATION_TABLE);
      const insert = auditInsert(database.db as Kysely<AuditSchema>, 10);
      const row = (at: string, username: string, action: string) => ({
        at,
        action,
        outcome: null,
        username,
        address: '127.0.0.1',
        api_key: null,
        via: 'sso',
        host: null,
      });
      await insert([
        row('2026-12-01T10:00:00.000Z', 'ann', 'continue_as'),
        row('2026-12-01T10:00:01.000Z', 'bob', 'continue_as'),
        row('2026-12-01T10:00:02.000Z', 'ann', 'sign_out'),
      ]);
      const trail = sqlAuditTrail(database, silent, () => Date.parse('2026-12-02T00:00:00Z'));
      await trail.migrate();
      await insert([row('2026-12-01T10:00:03.000Z', 'ann', 'continue_as')]);
      const ofAnn = await trail.list({ username: 'ann' });
      assert.deepEqual(
        ofAnn.map((event) => [event.action, event.at.toISOString()]),
        [
          ['continue_as', '2026-12-01T10:00:00.000Z'],
          ['sign_out', '2026-12-01T10:00:02.000Z'],
          ['continue_as', '2026-12-01T10:00:03.000Z'],
        ],
      );
      assert.deepEqual(
        (await trail.list({ username: 'ann', limit: 1 })).map((event) => event.action),
        ['continue_as'],
      );
      await trail.close();
    });
  });
}

upgradeSuite('sqlite', false);
upgradeSuite('postgres', await skipUnlessServiceRuns('postgres'));
upgradeSuite('mysql', await skipUnlessServiceRuns('mysql'));
