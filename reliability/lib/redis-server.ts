import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portAnswers } from '@ssokit/stores/testing';

/**
 * A redis-server of the run's own, on a free port, that the suite may SIGKILL, SIGSTOP and
 * SIGCONT (never the shared one on 6379). The append-only file is written on every command, so
 * a killed and restarted server keeps what it acknowledged, as a production Redis with
 * `appendfsync always` does: whatever is missing after a restart was lost by ssokit.
 */
export interface RunRedis {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** SIGKILL, like a crash; `start()` brings it back on the same port with its data. */
  kill(): Promise<void>;
  /** SIGSTOP: the port still accepts connections, nothing is answered. */
  freeze(): void;
  thaw(): void;
  dispose(): Promise<void>;
}

export async function startRunRedis(): Promise<RunRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ssokit-reliability-redis-'));
  let child: ChildProcess | undefined;
  const kill = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  };
  const redis: RunRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child !== undefined) throw new Error(`redis-server already runs on ${port}`);
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
      args.push('--appendonly', 'yes', '--appendfsync', 'always', '--loglevel', 'warning');
      child = spawn('redis-server', args, { stdio: 'ignore' });
      const started = Date.now();
      while (!(await portAnswers(port))) {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        if (Date.now() - started > 10_000) throw new Error(`redis-server does not listen on ${port}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    kill,
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
