import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

const run = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface InstructionCount {
  scenario: string;
  instructionsPerRequest: number;
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
 * over `requests` requests after a warm-up: unlike time, the count repeats within about 1 %
 * whatever else the machine is doing (kernel time, e.g. socket writes, is not counted; it is
 * the same in every scenario). The server runs under valgrind, about 50x slower than usual.
 */
export async function countInstructions(
  scenario: string,
  options: CountInstructionsOptions,
): Promise<InstructionCount> {
  const directory = mkdtempSync(join(tmpdir(), 'ssokit-bench-callgrind-'));
  const child = spawn(
    '/usr/bin/valgrind',
    [
      '--tool=callgrind',
      // V8 writes and rewrites machine code at run time.
      '--smc-check=all-non-file',
      '--instr-atstart=no',
      `--callgrind-out-file=${join(directory, 'callgrind.out')}`,
      process.execPath,
      '--import',
      'tsx',
      here('./instruction-server.ts'),
      scenario,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(
        () => reject(new Error(`${scenario} under valgrind did not start in 10 minutes`)),
        600_000,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('READY '));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${scenario} under valgrind exited with ${code}: ${stderr.slice(-500)}`));
      });
    });
    const [, url = '', cookie = ''] = ready.split(' ');
    await load(url, cookie, options.warmupRequests, options.connections);
    const pid = String(child.pid);
    await run('/usr/bin/callgrind_control', ['--instr=on', pid]);
    const measured = await load(url, cookie, options.requests, options.connections);
    await run('/usr/bin/callgrind_control', ['--instr=off', pid]);
    child.kill('SIGTERM');
    await exited;
    const collected = /Collected : (\d+)/.exec(stderr)?.[1];
    if (collected === undefined) throw new Error(`${scenario}: callgrind reported no count`);
    return {
      scenario,
      instructionsPerRequest: Number(collected) / measured.requests,
      requests: measured.requests,
      failures: measured.failures,
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(directory, { recursive: true, force: true });
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
