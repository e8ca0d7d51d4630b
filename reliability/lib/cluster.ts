import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  argon2PasswordHasher,
  createProvider,
  ensureClient,
  type LoginRateLimitOptions,
  silentLogger,
  sqlAccountStore,
} from '@ssokit/provider';
import { openSqlDatabase } from '@ssokit/stores';
import { freePort } from '@ssokit/stores/testing';
import { sql } from 'kysely';
import { type TcpProxy, tcpProxy } from '../../packages/stores/test/tcp-proxy.ts';
import type { ClientChildConfig } from './client-child.ts';
import type { LoginRoute } from './login-flow.ts';
import type { ProviderChildConfig } from './provider-child.ts';
import { type RunRedis, startRunRedis } from './redis-server.ts';
import { type Backend, SiteBrowser } from './site-browser.ts';
import { type TcpBalancer, tcpBalancer } from './tcp-balancer.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export const POSTGRES_URL = process.env.RELIABILITY_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const API_KEY = 'reliabilityclient';
export const SECRET = 'reliability-client-secret-0123456789abcdef';
export const PASSWORD = 'reliability-password-0123456789';

/** A process of the suite that died without being told to. */
export interface UnexpectedExit {
  name: string;
  code: number | null;
  signal: string | null;
}

/**
 * The deployment under test: 2 providers behind a balancer and 2 client apps serving one
 * origin, each a child process on its own port; sessions and tokens in a Redis of the run's
 * own, accounts and users in a PostgreSQL database of the run's own reached through a proxy
 * the suite can refuse or freeze.
 */
export interface Cluster {
  providers: [Backend, Backend];
  clients: [Backend, Backend];
  redis: RunRedis;
  postgres: TcpProxy;
  balancer: TcpBalancer;
  /** The limits the providers run with, as they reported them. */
  rateLimit: Required<LoginRateLimitOptions>;
  logDir: string;
  unexpectedExits: UnexpectedExit[];
  /** A browser without cookies, with a client address no other browser has. */
  newBrowser(address?: string): SiteBrowser;
  /** A client address not used yet. */
  newAddress(): string;
  /** Accounts no scenario has used yet (all with PASSWORD). */
  takeAccounts(count: number): string[];
  /** Client process `i % 2`, provider process `i % 2`. */
  clientAt(i: number): Backend;
  providerAt(i: number): Backend;
  /** A route with each step on another process, picked at random. */
  randomRoute(): LoginRoute;
  killProvider(index: 0 | 1): Promise<void>;
  restartProvider(index: 0 | 1): Promise<void>;
  stop(): Promise<void>;
}

interface Child {
  name: string;
  entry: string;
  config: ProviderChildConfig | ClientChildConfig;
  process?: ChildProcess;
  stopping?: boolean;
}

function databaseUrl(port: number, database: string): string {
  const url = new URL(POSTGRES_URL);
  url.port = String(port);
  url.pathname = `/${database}`;
  return url.href;
}

/** Seeds `count` accounts with one argon2id hash (the default cost), inserted row by row. */
async function seedAccounts(url: string, count: number): Promise<void> {
  const passwordHash = await argon2PasswordHasher().hash(PASSWORD);
  const database = openSqlDatabase({ url });
  const accounts = sqlAccountStore({
    database,
    passwordHasher: {
      hash: async () => passwordHash,
      verify: async () => false,
      verifyNothing: async () => false,
    },
  });
  try {
    for (let i = 0; i < count; i++) await accounts.add({ username: accountName(i), password: PASSWORD });
  } finally {
    await database.close();
  }
}

const accountName = (index: number) => `rel-user-${String(index).padStart(4, '0')}`;

export async function startCluster(options: { accounts: number }): Promise<Cluster> {
  const id = `ssokit_rel_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const logDir = mkdtempSync(join(tmpdir(), 'ssokit-reliability-'));
  const admin = openSqlDatabase({ url: POSTGRES_URL });
  await sql`create database ${sql.id(id)}`.execute(admin.db);
  const cleanups: Array<() => Promise<void>> = [
    async () => {
      await sql`drop database if exists ${sql.id(id)} with (force)`.execute(admin.db);
      await admin.close();
    },
  ];
  const runCleanups = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const target = new URL(POSTGRES_URL);
    const directUrl = databaseUrl(Number(target.port || 5432), id);
    const postgres = tcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await postgres.start();
    cleanups.push(() => postgres.stop());
    const redis = await startRunRedis();
    cleanups.push(() => redis.dispose());
    const [p1, p2, a, b] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const balancer = await tcpBalancer([p1, p2]);
    cleanups.push(() => balancer.close());
    const appUrl = `http://127.0.0.1:${a}`;

    const setup = createProvider({ database: directUrl, logger: silentLogger });
    await setup.migrate();
    await ensureClient(setup.clientStore as NonNullable<typeof setup.clientStore>, {
      apiKey: API_KEY,
      secret: SECRET,
      host: `127.0.0.1:${a}`,
    });
    await setup.close();
    await seedAccounts(directUrl, options.accounts);

    const viaProxy = databaseUrl(postgres.port, id);
    const keyPrefix = `rel:${id}:`;
    const children: Child[] = [
      ...[p1, p2].map((port, i) => ({
        name: `provider-${i + 1}`,
        entry: here('./provider-child.ts'),
        config: {
          name: `provider-${i + 1}`,
          port,
          databaseUrl: viaProxy,
          redisUrl: redis.url,
          keyPrefix: `${keyPrefix}provider:`,
        } satisfies ProviderChildConfig,
      })),
      ...[a, b].map((port, i) => ({
        name: `client-${'ab'[i]}`,
        entry: here('./client-child.ts'),
        config: {
          name: `client-${'ab'[i]}`,
          port,
          appUrl,
          providerUrl: `http://127.0.0.1:${balancer.port}`,
          apiKey: API_KEY,
          secretKey: SECRET,
          databaseUrl: viaProxy,
          redisUrl: redis.url,
          keyPrefix: `${keyPrefix}client:`,
        } satisfies ClientChildConfig,
      })),
    ];
    const unexpectedExits: UnexpectedExit[] = [];
    let rateLimit: Required<LoginRateLimitOptions> | undefined;
    const startChild = async (child: Child) => {
      const log = openSync(join(logDir, `${child.name}.log`), 'a');
      const started = spawn(
        process.execPath,
        ['--import', 'tsx', child.entry, JSON.stringify(child.config)],
        { stdio: ['ignore', log, log, 'ipc'] },
      );
      closeSync(log);
      child.process = started;
      child.stopping = false;
      started.once('exit', (code, signal) => {
        if (!child.stopping) unexpectedExits.push({ name: child.name, code, signal });
      });
      const [message] = (await Promise.race([
        once(started, 'message'),
        once(started, 'exit').then(() => {
          throw new Error(`${child.name} exited at start; see ${logDir}/${child.name}.log`);
        }),
      ])) as [{ type: string; rateLimit?: Required<LoginRateLimitOptions> }];
      if (message.rateLimit !== undefined) rateLimit = message.rateLimit;
    };
    const stopChild = async (child: Child, signal: NodeJS.Signals) => {
      const running = child.process;
      child.stopping = true;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      running.kill(signal);
      const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    };
    cleanups.push(async () => {
      await Promise.all(children.map((child) => stopChild(child, 'SIGTERM')));
    });
    await Promise.all(children.map(startChild));
    if (rateLimit === undefined) throw new Error('the providers did not report their limits');

    const providers = [p1, p2].map((port, i) => ({ name: `provider-${i + 1}`, port, site: 'provider' }));
    const clients = [a, b].map((port, i) => ({ name: `client-${'ab'[i]}`, port, site: 'client' }));
    // Each process's fallback is its site's other process (what the balancer does).
    const withFallback = (backends: Backend[]) =>
      backends.map((backend, i) => ({ ...backend, fallback: backends[1 - i] })) as [Backend, Backend];
    const publicHosts = new Map([
      ['client', `127.0.0.1:${a}`],
      ['provider', `127.0.0.1:${balancer.port}`],
    ]);
    let addresses = 0;
    let accountsTaken = 0;
    const newAddress = () => {
      const n = ++addresses;
      return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    };
    const cluster: Cluster = {
      providers: withFallback(providers),
      clients: withFallback(clients),
      redis,
      postgres,
      balancer,
      rateLimit,
      logDir,
      unexpectedExits,
      newAddress,
      newBrowser: (address = newAddress()) => new SiteBrowser(publicHosts, address),
      takeAccounts(count) {
        if (accountsTaken + count > options.accounts)
          throw new Error(
            `the suite seeded ${options.accounts} accounts; ${accountsTaken + count} are needed`,
          );
        const taken = Array.from({ length: count }, (_, i) => accountName(accountsTaken + i));
        accountsTaken += count;
        return taken;
      },
      clientAt: (i) => cluster.clients[(i & 1) as 0 | 1],
      providerAt: (i) => cluster.providers[(i & 1) as 0 | 1],
      randomRoute() {
        const x = Math.random() < 0.5 ? 0 : 1;
        const y = Math.random() < 0.5 ? 0 : 1;
        const c = cluster.clients;
        const p = cluster.providers;
        return { start: c[x], form: p[y], post: p[1 - y], callback: c[1 - x], check: c[x] } as LoginRoute;
      },
      async killProvider(index) {
        await stopChild(children[index] as Child, 'SIGKILL');
      },
      async restartProvider(index) {
        await startChild(children[index] as Child);
      },
      stop: runCleanups,
    };
    return cluster;
  } catch (error) {
    await runCleanups();
    throw error;
  }
}
