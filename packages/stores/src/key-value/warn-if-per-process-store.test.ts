import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { KeyValueStore } from './key-value-store.ts';
import { memoryKeyValueStore } from './memory-key-value-store.ts';
import { warnIfPerProcessStore } from './warn-if-per-process-store.ts';

function pinoLines() {
  const lines: { level: number; msg: string; purpose?: string }[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, destination) };
}

describe('warnIfPerProcessStore()', () => {
  it('warns once through a pino logger when sessions live in a per-process store', async () => {
    const { lines, logger } = pinoLines();
    const store = memoryKeyValueStore();
    assert.equal(warnIfPerProcessStore(store, 'sessions', logger), true);
    assert.equal(warnIfPerProcessStore(store, 'sessions', logger), false);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.level, 40);
    assert.equal(lines[0]?.purpose, 'sessions');
    assert.match(lines[0]?.msg ?? '', /per-process store.*redis:\/\/, memcached:\/\/ or SQL/);
    await store.close();
  });

  it('warns again for another purpose on the same store, and for another store', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_details: object, message: string) => warnings.push(message) };
    const first = memoryKeyValueStore();
    const second = memoryKeyValueStore();
    assert.equal(warnIfPerProcessStore(first, 'sessions', logger), true);
    assert.equal(warnIfPerProcessStore(first, 'request tokens', logger), true);
    assert.equal(warnIfPerProcessStore(second, 'sessions', logger), true);
    assert.equal(warnings.length, 3);
    await first.close();
    await second.close();
  });

  it('stays silent for a shared store', () => {
    const warnings: string[] = [];
    const shared = { ...memoryKeyValueStore(), shared: true } satisfies KeyValueStore;
    assert.equal(
      warnIfPerProcessStore(shared, 'sessions', { warn: (_details, message) => warnings.push(message) }),
      false,
    );
    assert.deepEqual(warnings, []);
  });
});
