import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What callgrind counted in one process's dump, over its thread files. */
export interface CallgrindTotals {
  all: number;
  /** The main thread's file (`--separate-threads=yes`: the one ending in -01). */
  mainThread: number;
  /**
   * Of the main thread, V8's optimizing compiler (TurboFan, run on the main thread under
   * `--single-threaded`). After a thousand logins of warm-up it still compiles now and then
   * (functions that turn hot late, a deoptimized one again): a burst in the counted window adds
   * up to half of a login's count, and which burst lands there differs from run to run. At full
   * speed it runs on a helper thread, once.
   */
  compiler: number;
}

/**
 * The totals of callgrind's thread files of one dump; the compiler's share is read with
 * `callgrind_annotate` (inclusive cost of `Compiler::CompileOptimized`).
 */
export function callgrindTotals(files: readonly string[]): CallgrindTotals {
  let all = 0;
  let mainThread = 0;
  let compiler = 0;
  for (const file of files) {
    const total = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'))?.[1];
    if (total === undefined) continue;
    all += Number(total);
    if (file.endsWith('-01')) {
      mainThread += Number(total);
      compiler += optimizingCompilerInstructions(file);
    }
  }
  return { all, mainThread, compiler };
}

const COMPILER_ENTRIES = [
  'v8::internal::Compiler::CompileOptimized(',
  'v8::internal::Compiler::CompileOptimizedOSR(',
];

function optimizingCompilerInstructions(file: string): number {
  const annotated = execFileSync(
    '/usr/bin/callgrind_annotate',
    ['--inclusive=yes', '--threshold=100', file],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  let sum = 0;
  for (const line of annotated.split('\n')) {
    // `'2` marks a recursive call of the same function: already inside the outer one's cost.
    const entry = COMPILER_ENTRIES.find((name) => line.includes(`???:${name}`));
    if (entry === undefined) continue;
    const name = line.slice(line.indexOf('???:') + 4).replace(/ \[[^\]]*\]$/, '');
    if (/'\d+$/.test(name)) continue;
    const cost = /^\s*([\d,]+)/.exec(line)?.[1];
    if (cost !== undefined) sum += Number(cost.replaceAll(',', ''));
  }
  return sum;
}

/**
 * The instructions of callgrind's dump number `dump` (`--separate-threads=yes`: a file per
 * thread, `callgrind.out.N-TT`), the main thread (01) apart: it leaves out libuv's pool
 * (argon2's hash); and the main thread without V8's optimizing compiler.
 */
export function dumpTotals(directory: string, dump: number): CallgrindTotals {
  const files = readdirSync(directory).filter((file) => file.startsWith(`callgrind.out.${dump}-`));
  if (files.length === 0) throw new Error(`callgrind wrote no dump ${dump}`);
  return callgrindTotals(files.map((file) => join(directory, file)));
}
