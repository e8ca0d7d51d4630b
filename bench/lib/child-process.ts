import { type ChildProcess, spawn } from 'node:child_process';
import { canPin, setAffinity, TASKSET } from './cpu-affinity.ts';

let bundledEntries: ReadonlyMap<string, string> = new Map();

/**
 * From now on, children whose entry has a bundled file (`bundleChildren`) start from it with
 * plain `node` instead of through tsx; the others still start with tsx.
 */
export function startChildrenFromBundle(entries: ReadonlyMap<string, string>): void {
  bundledEntries = entries;
}

/**
 * Runs a TypeScript entry in its own Node process, pinned to one core with `taskset` when the
 * machine has it (the load generator on one core and the server on the other keeps them from
 * stealing each other's time on a 2-core machine).
 */
export function spawnPinned(
  entry: string,
  args: string[],
  core: number | undefined,
  nodeOptions: string[] = [],
  /** A command the process runs under, e.g. valgrind and its options. */
  wrapper: string[] = [],
): ChildProcess {
  const bundled = bundledEntries.get(entry);
  const nodeArgs =
    bundled === undefined
      ? [...nodeOptions, '--import', 'tsx', entry, ...args]
      : [...nodeOptions, '--enable-source-maps', bundled, ...args];
  const pin = core !== undefined && canPin();
  const program = [...wrapper, process.execPath, ...nodeArgs];
  const command = pin ? TASKSET : (program[0] as string);
  const commandArgs = pin ? ['-c', String(core), ...program] : program.slice(1);
  // The child's stdout goes to our stderr: `--json` keeps stdout for the one JSON object.
  return spawn(command, commandArgs, { stdio: ['ignore', 2, 2, 'ipc'] });
}

/**
 * Runs a TypeScript entry (through tsx) under valgrind's callgrind with instrumentation off
 * until `callgrind_control --instr=on`; valgrind's own lines go to `directory/valgrind.log`,
 * its dumps (`callgrind_control --dump`) to `directory/callgrind.out.N-TT`, one per thread. The child needs the
 * source condition in `NODE_OPTIONS` (set here) when the packages are not built: valgrind
 * does not pass tsx's flags on.
 */
export function spawnUnderCallgrind(entry: string, args: string[], directory: string): ChildProcess {
  return spawn(
    '/usr/bin/valgrind',
    [
      '--tool=callgrind',
      // V8 writes and rewrites machine code at run time.
      '--smc-check=all-non-file',
      '--instr-atstart=no',
      // A dump file per thread: the main thread's count leaves V8's compiler threads out.
      '--separate-threads=yes',
      `--callgrind-out-file=${directory}/callgrind.out`,
      `--log-file=${directory}/valgrind.log`,
      process.execPath,
      // V8's compiler and GC on the main thread: valgrind runs threads one at a time at its own
      // pace, which made the same count move by up to 20 % between runs; this way it repeats.
      '--single-threaded',
      ...(process.env.BENCH_CALLGRIND_NODE_FLAGS?.split(' ') ?? []),
      '--import',
      'tsx',
      entry,
      ...args,
    ],
    {
      stdio: ['ignore', 2, 2, 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '--conditions=@ssokit/source' },
    },
  );
}

/**
 * Pins a running process (every thread, libuv's pool included) to one core. Servers start
 * unpinned and in parallel, which is faster, and are pinned before they are measured.
 */
export function pinProcess(child: ChildProcess, core: number): void {
  if (child.pid === undefined || !canPin()) return;
  setAffinity(child.pid, String(core));
}

/** Waits for the first IPC message of a given type from a child. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: string,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" message within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: T) => {
      if (message?.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`child exited with ${code} before sending "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Asks a child to exit and waits until it has. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
