import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { dumpTotals } from '../lib/callgrind-totals.ts';
import { nextMessage, spawnUnderCallgrind, stopChild } from '../lib/child-process.ts';

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface InstructionCount {
  scenario: string;
  /** The main thread's, without V8's optimizing compiler (see `countInstructions`). */
  instructionsPerRequest: number;
  /** All threads, the compiler included: what the count was before; it moves from run to run. */
  allThreadsPerRequest: number;
  requests: number;
  failures: number;
}

export interface CountInstructionsOptions {
  /** Requests before counting starts (JIT warm-up, start-up garbage collected). */
  warmupRequests: number;
  requests: number;
  connections: number;
}

/** Whether valgrind (callgrind) is installed: without it the count is left out. */
export function canCountInstructions(): boolean {
  return existsSync('/usr/bin/valgrind') && existsSync('/usr/bin/callgrind_control');
}

async function load(url: string, cookie: string, amount: number, connections: number) {
  const result = await autocannon({
    url,
    headers: cookie ? { cookie } : {},
    connections,
    amount,
  });
  return { requests: result.requests.total, failures: result.non2xx + result.errors };
}

/**
 * Instructions the server executes per request of `GET /me`, counted by valgrind's callgrind
 * over `requests` requests after a warm-up: unlike time, the count barely moves with other work
 * on the machine (kernel time, e.g. socket writes, is not counted; it is the same in every
 * scenario). As in the login counts, V8 runs `--single-threaded` and the count is the main
 * thread's without V8's optimizing compiler (`CallgrindTotals`): counted over all threads, with
 * the compiler and GC on helper threads that valgrind runs at its own pace, one Fastify server
 * came out at 101k to 120k instructions a request from run to run, and Express's once at 622k.
 * The server runs about 50x slower than usual.
 */
export async function countInstructions(
  scenario: string,
  options: CountInstructionsOptions,
): Promise<InstructionCount> {
  const directory = mkdtempSync(join(tmpdir(), 'ssokit-bench-callgrind-'));
  const child = spawnUnderCallgrind(here('./instruction-server.ts'), [scenario], directory);
  try {
    const { url, cookie } = await nextMessage<{ type: string; url: string; cookie: string }>(
      child,
      'ready',
      600_000,
    );
    await load(url, cookie, options.warmupRequests, options.connections);
    const pid = String(child.pid);
    await run('/usr/bin/callgrind_control', ['--instr=on', pid]);
    const measured = await load(url, cookie, options.requests, options.connections);
    await run('/usr/bin/callgrind_control', ['--instr=off', pid]);
    await run('/usr/bin/callgrind_control', ['--dump=counted', pid]);
    const totals = dumpTotals(directory, 1);
    return {
      scenario,
      instructionsPerRequest: (totals.mainThread - totals.compiler) / measured.requests,
      allThreadsPerRequest: totals.all / measured.requests,
      requests: measured.requests,
      failures: measured.failures,
    };
  } finally {
    await stopChild(child);
    if (process.env.BENCH_KEEP_CALLGRIND === '1') console.error(`callgrind dumps kept in ${directory}`);
    else rmSync(directory, { recursive: true, force: true });
  }
}

/** Counts each scenario, two at a time (valgrind runs a process on one core). */
export async function countInstructionsOf(
  scenarios: readonly string[],
  options: CountInstructionsOptions,
  onCount: (count: InstructionCount) => void = () => {},
): Promise<InstructionCount[]> {
  const counts = new Map<string, InstructionCount>();
  const queue = [...scenarios];
  const worker = async () => {
    for (let scenario = queue.shift(); scenario !== undefined; scenario = queue.shift()) {
      const count = await countInstructions(scenario, options);
      counts.set(scenario, count);
      onCount(count);
    }
  };
  await Promise.all([worker(), worker()]);
  return scenarios.map((scenario) => counts.get(scenario) as InstructionCount);
}
