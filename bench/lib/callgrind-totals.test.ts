import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { callgrindTotals } from './callgrind-totals.ts';

/** A callgrind dump of one thread: `main` calls the compiler, which calls a helper. */
function dump(compilerSelf: number, helper: number, other: number): string {
  const compiler = 'v8::internal::Compiler::CompileOptimized(v8::internal::Isolate*)';
  return [
    'version: 1',
    'creator: callgrind-3.19.0',
    'events: Ir',
    'fl=(1) ???',
    'fn=(1) main',
    `0 ${other}`,
    'cfn=(2)',
    'calls=1 0',
    `0 ${compilerSelf + helper}`,
    `fn=(2) ${compiler}`,
    `0 ${compilerSelf}`,
    'cfn=(3) helper',
    'calls=1 0',
    `0 ${helper}`,
    'fn=(3)',
    `0 ${helper}`,
    `totals: ${other + compilerSelf + helper}`,
    '',
  ].join('\n');
}

describe('callgrindTotals', { skip: !existsSync('/usr/bin/callgrind_annotate') && 'no valgrind' }, () => {
  it("sums the threads' totals and reads the main thread's optimizing compiler, callees included", () => {
    const directory = mkdtempSync(join(tmpdir(), 'ssokit-callgrind-totals-'));
    try {
      writeFileSync(join(directory, 'callgrind.out.1-01'), dump(300, 200, 1000));
      writeFileSync(join(directory, 'callgrind.out.1-02'), dump(40, 10, 50));
      const totals = callgrindTotals(['1-01', '1-02'].map((t) => join(directory, `callgrind.out.${t}`)));
      assert.deepEqual(totals, { all: 1500 + 100, mainThread: 1500, compiler: 500 });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
