import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, portAnswers } from '../src/testing/index.ts';

/**
 * A Redis or memcached server of the test's own, on a free port, that the test can stop and
 * start again on the same port to play an outage. Never the shared service other suites use.
 */
export interface ThrowawayService {
  readonly port: number;
  start(): Promise<void>;
  /** Kills the server (SIGKILL, like a crash); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
}

/** For `describe(..., { skip: skipUnlessInstalled('redis-server') })`; in CI a missing binary fails. */
export function skipUnlessInstalled(binary: string): string | false {
  if (spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0) return false;
  if (process.env.CI === 'true')
    throw new Error(`${binary} is not installed, and CI must run the outage tests`);
  return `${binary} is not installed`;
}

async function throwawayService(
  binary: string,
  args: (port: number) => string[],
  cleanup: () => void = () => {},
): Promise<ThrowawayService> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const stop = async () => {
    const running = child;
    if (running === undefined || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    async start() {
      if (child !== undefined) throw new Error(`${binary} already runs on port ${port}`);
      const started = spawn(binary, args(port), { stdio: 'ignore' });
      child = started;
      started.once('exit', () => {
        if (child === started) child = undefined;
      });
      await eventually(
        () => child !== undefined && portAnswers(port),
        10_000,
        `${binary} listens on ${port}`,
      );
    },
    stop,
    async dispose() {
      await stop();
      cleanup();
    },
  };
}

/** A redis-server without persistence; `requirePassword` turns on AUTH. */
export async function throwawayRedis(options: { requirePassword?: string } = {}): Promise<ThrowawayService> {
  const dir = mkdtempSync(join(tmpdir(), 'ssokit-redis-'));
  return throwawayService(
    'redis-server',
    (port) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(options.requirePassword === undefined ? [] : ['--requirepass', options.requirePassword]),
    ],
    () => rmSync(dir, { recursive: true, force: true }),
  );
}

/** A small memcached (16 MB) on 127.0.0.1. */
export function throwawayMemcached(): Promise<ThrowawayService> {
  // memcached refuses to run as root unless told which user to become.
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  return throwawayService('memcached', (port) => [
    '-p',
    String(port),
    '-l',
    '127.0.0.1',
    '-U',
    '0',
    '-m',
    '16',
    ...asUser,
  ]);
}
