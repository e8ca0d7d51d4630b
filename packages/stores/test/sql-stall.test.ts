import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { SsoError } from '@ssokit/protocol';
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { openSqlDatabase, type SqlDatabase, sqlKeyValueStore } from '../src/index.ts';
import { eventually, skipUnlessServiceRuns, testServiceUrls, uniqueTestName } from '../src/testing/index.ts';
import { type TcpProxy, tcpProxy } from './tcp-proxy.ts';

// Short deadlines keep the suite quick; the bound on each failure is generous (a loaded CI box).
const DEADLINE_MS = 600;
const SETTLES_WITHIN_MS = DEADLINE_MS + 1000;

interface Settled {
  error: unknown;
  elapsedMs: number;
}

async function settle(operation: () => Promise<unknown>): Promise<Settled> {
  const started = performance.now();
  const error = await operation().then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  return { error, elapsedMs: performance.now() - started };
}

const codeOf = (error: unknown) => (error as { code?: unknown } | undefined)?.code;
const select1 = (database: SqlDatabase) => sql<{ one: number }>`select 1 as one`.execute(database.db);

function assertStalledWithinDeadline({ error, elapsedMs }: Settled, what: string): void {
  assert.ok(error instanceof Error, `${what} rejects, got ${String(error)}`);
  assert.ok(
    elapsedMs < SETTLES_WITHIN_MS,
    `${what} rejected after ${Math.round(elapsedMs)} ms (deadline ${DEADLINE_MS})`,
  );
}

const targets = [
  { name: 'PostgreSQL', service: 'postgres' as const, scheme: 'postgres', defaultPort: 5432 },
  { name: 'MariaDB', service: 'mysql' as const, scheme: 'mysql', defaultPort: 3306 },
];

for (const target of targets) {
  const skip = await skipUnlessServiceRuns(target.service);
  describe(`a SQL database on ${target.name} that stalls`, { skip }, () => {
    let proxy: TcpProxy;
    let url: string;
    before(async () => {
      const real = new URL(testServiceUrls[target.service]);
      proxy = tcpProxy({ host: real.hostname, port: Number(real.port) || target.defaultPort });
      await proxy.start();
      const behind = new URL(real);
      behind.hostname = '127.0.0.1';
      behind.port = String(proxy.port);
      url = behind.toString();
    });
    after(() => proxy?.stop());

    it('a query the frozen server never answers fails within the deadline, and works again after', async () => {
      const database = openSqlDatabase({ url, operationTimeoutMs: DEADLINE_MS, circuitBreaker: false });
      try {
        await select1(database);
        proxy.freeze();
        // More queries than connections: the later ones wait for a checkout, which has a deadline too.
        const stalled = await Promise.all(Array.from({ length: 6 }, () => settle(() => select1(database))));
        for (const [index, outcome] of stalled.entries()) {
          assertStalledWithinDeadline(outcome, `query ${index}`);
          assert.equal(codeOf(outcome.error), 'ETIMEDOUT', String(outcome.error));
        }
        proxy.thaw();
        await eventually(
          async () => (await select1(database)).rows[0]?.one === 1,
          10_000,
          'queries work again',
        );
      } finally {
        proxy.thaw();
        await database.close();
      }
    });

    it('destroys a connection whose query timed out instead of handing it to the next query', async () => {
      // One connection: if the stuck one went back to the pool, the next query would wait behind it.
      const database = openSqlDatabase({
        url,
        poolSize: 1,
        operationTimeoutMs: DEADLINE_MS,
        circuitBreaker: false,
      });
      try {
        await select1(database);
        const before = proxy.connections;
        proxy.freeze({ openConnectionsOnly: true });
        assertStalledWithinDeadline(
          await settle(() => select1(database)),
          'the query on the dead connection',
        );
        const { rows } = await select1(database);
        assert.equal(rows[0]?.one, 1);
        assert.equal(proxy.connections, before + 1, 'the next query opened a new connection');
      } finally {
        proxy.thaw();
        await database.close();
      }
    });

    it('a SQL key-value store answers 503 within the deadline while frozen, then recovers', async () => {
      const database = openSqlDatabase({ url, operationTimeoutMs: DEADLINE_MS });
      const tableName = uniqueTestName('kv_stall');
      const store = sqlKeyValueStore({ database, tableName, operationTimeoutMs: DEADLINE_MS });
      try {
        await store.set('k', 'before', 60);
        proxy.freeze();
        for (const [name, operation] of [
          ['get', () => store.get('k')],
          ['set', () => store.set('k', 'v', 60)],
          ['take', () => store.take('k')],
          ['increment', () => store.increment('n', 60)],
        ] as const) {
          const outcome = await settle(operation);
          assertStalledWithinDeadline(outcome, `${name}()`);
          assert.ok(outcome.error instanceof SsoError, String(outcome.error));
          assert.equal(outcome.error.code, 'STORE_UNAVAILABLE');
          assert.equal(outcome.error.status, 503);
        }
        proxy.thaw();
        await eventually(
          async () => {
            await store.set('k', 'back', 60);
            return (await store.get('k')) === 'back';
          },
          15_000,
          'the store works again',
        );
      } finally {
        proxy.thaw();
        await store.close();
        for (const table of [tableName, `${tableName}_migrations`, `${tableName}_migrations_lock`]) {
          await database.db.schema.dropTable(table).ifExists().execute();
        }
        await database.close();
      }
    });

    it('after repeated timeouts the breaker fails queries at once, and closes again by itself', async () => {
      let clock = 0;
      const lines: { level: string; message: string }[] = [];
      const database = openSqlDatabase({
        url,
        operationTimeoutMs: DEADLINE_MS,
        circuitBreaker: { failureThreshold: 3, coolDownMs: 10_000, now: () => clock },
        logger: {
          warn: (_details, message) => lines.push({ level: 'warn', message }),
          info: (_details, message) => lines.push({ level: 'info', message }),
        },
      });
      try {
        await select1(database);
        proxy.freeze();
        for (let attempt = 0; attempt < 3; attempt += 1) {
          assert.equal(codeOf((await settle(() => select1(database))).error), 'ETIMEDOUT');
        }
        assert.equal(database.circuitBreaker?.state, 'open');
        const refused = await Promise.all(Array.from({ length: 50 }, () => settle(() => select1(database))));
        const codes = refused.map((outcome) => codeOf(outcome.error));
        assert.deepEqual(new Set(codes), new Set(['CIRCUIT_OPEN']), 'no query waited for its deadline');
        proxy.thaw();
        // Still open until the cool-down has passed on the breaker's clock.
        assert.equal(codeOf((await settle(() => select1(database))).error), 'CIRCUIT_OPEN');
        clock += 10_000;
        await eventually(
          async () => {
            const { error } = await settle(() => select1(database));
            if (codeOf(error) === 'CIRCUIT_OPEN') clock += 10_000;
            return error === undefined;
          },
          10_000,
          'the probe closes the breaker',
        );
        assert.equal(database.circuitBreaker?.state, 'closed');
        assert.deepEqual(
          lines.map((line) => line.level),
          ['warn', 'info'],
          'one line when it opens, one when it closes',
        );
      } finally {
        proxy.thaw();
        await database.close();
      }
    });

    it('a transaction that stalls fails once: no rollback waits for a second deadline on the dead connection', async () => {
      const database = openSqlDatabase({
        url,
        operationTimeoutMs: DEADLINE_MS,
        circuitBreaker: { failureThreshold: 2, coolDownMs: 60_000 },
      });
      try {
        await select1(database);
        const outcome = await settle(() =>
          database.db.transaction().execute(async (trx) => {
            // Begun: Kysely will roll back on this same connection after the stalled query.
            proxy.freeze();
            await sql`select 1`.execute(trx);
          }),
        );
        assertStalledWithinDeadline(outcome, 'the transaction');
        assert.equal(database.circuitBreaker?.state, 'closed', 'one stalled transaction is one failure');
      } finally {
        proxy.thaw();
        await database.close();
      }
    });

    it('close() returns within its bound while the server is frozen', async () => {
      const database = openSqlDatabase({ url, operationTimeoutMs: DEADLINE_MS });
      await select1(database);
      proxy.freeze();
      try {
        const { error, elapsedMs } = await settle(() => database.close());
        assert.equal(error, undefined);
        assert.ok(elapsedMs < DEADLINE_MS * 2 + 1000, `close() took ${Math.round(elapsedMs)} ms`);
      } finally {
        proxy.thaw();
      }
    });
  });
}

describe('a SQLite database locked by another process', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssokit-busy-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('a write waits at most the busy timeout and fails with 503, then works once the lock is gone', async () => {
    const path = join(folder, 'busy.sqlite');
    const database = openSqlDatabase({ url: `sqlite:${path}`, operationTimeoutMs: 300 });
    const store = sqlKeyValueStore({ database });
    const other = new Sqlite(path);
    try {
      await store.set('k', 'before', 60);
      other.exec('BEGIN IMMEDIATE');
      const outcome = await settle(() => store.set('k', 'v', 60));
      assert.ok(outcome.error instanceof SsoError, String(outcome.error));
      assert.equal(outcome.error.status, 503);
      assert.match(outcome.error.message, /busy|locked/i);
      assert.ok(outcome.elapsedMs < 300 + 1000, `failed after ${Math.round(outcome.elapsedMs)} ms`);
      other.exec('ROLLBACK');
      await store.set('k', 'after', 60);
      assert.equal(await store.get('k'), 'after');
    } finally {
      other.close();
      await store.close();
      await database.close();
    }
  });
});
