import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSqlDatabase } from './open-sql-database.ts';

describe('openSqlDatabase on an SQLite file', () => {
  it('writes ahead (WAL) and syncs at checkpoints, not at every commit', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ssokit-sqlite-'));
    const database = openSqlDatabase({ url: `sqlite:${join(directory, 'pragmas.db')}` });
    try {
      const pragma = (name: string) =>
        database.readNow?.({
          sql: `PRAGMA ${name}`,
          parameters: [],
          query: undefined as never,
          queryId: undefined as never,
        });
      assert.deepEqual(pragma('journal_mode'), [{ journal_mode: 'wal' }]);
      // 1 = NORMAL (FULL, SQLite's default, is 2).
      assert.deepEqual(pragma('synchronous'), [{ synchronous: 1 }]);
    } finally {
      await database.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
