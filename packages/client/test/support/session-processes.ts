import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { openSqlDatabase } from '@ssokit/stores';
import type { SessionProcessReply, SessionProcessRequest } from './session-process.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A client process (see session-process.ts) and a way to ask it things. */
export interface SessionProcess {
  ask(request: WithoutId<SessionProcessRequest>): Promise<SessionProcessReply>;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./session-process.ts', import.meta.url));

/** Starts a client process over the store at `env.TEST_STORE_URL`; resolves once it is up. */
export async function startSessionProcess(env: Record<string, string>): Promise<SessionProcess> {
  const child: ChildProcess = fork(script, {
    execArgv: ['--conditions=@ssokit/source', '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (reply: SessionProcessReply) => void>();
  let next = 1;
  const started = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`session process exited with ${code}`)));
    child.on('message', (reply: SessionProcessReply) => {
      if (reply.id === 0) resolve();
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
    });
  });
  await started;
  return {
    ask(request) {
      const id = next++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${request.op} within 10 s`)), 10_000);
        waiting.set(id, (reply) => {
          clearTimeout(timer);
          if (reply.error !== undefined && request.op !== 'read') reject(new Error(reply.error));
          else resolve(reply);
        });
        child.send({ ...request, id });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Drops the key-value table a test's processes used (PostgreSQL, MariaDB), once they stopped. */
export async function dropSessionTable(url: string, table: string): Promise<void> {
  if (!/^(postgres|mysql)/.test(url)) return;
  const database = openSqlDatabase({ url });
  try {
    for (const name of [table, `${table}_migrations`, `${table}_migrations_lock`]) {
      await database.db.schema.dropTable(name).ifExists().execute();
    }
  } finally {
    await database.close();
  }
}
