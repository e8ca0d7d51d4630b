import { connect } from 'node:net';

/**
 * Where the real services of the test suites are: env variables first, the local standard
 * ports otherwise.
 */
export const testServiceUrls = {
  postgres: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  memcached: process.env.MEMCACHED_URL ?? '127.0.0.1:11211',
} as const;

export type TestServiceName = keyof typeof testServiceUrls;

function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url.includes('://') ? url : `tcp://${url}`);
  const defaults: Record<string, number> = {
    'postgres:': 5432,
    'postgresql:': 5432,
    'mysql:': 3306,
    'redis:': 6379,
  };
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port) || defaults[parsed.protocol] || 11211,
  };
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * For `describe(name, { skip: await skipUnlessServiceRuns('redis') }, ...)`: false when the
 * service answers; outside CI a message that skips the suite; in CI (CI=true) it throws, since
 * CI must run every service-backed test.
 */
export async function skipUnlessServiceRuns(name: TestServiceName): Promise<string | false> {
  const url = testServiceUrls[name];
  const { host, port } = hostAndPort(url);
  if (await portOpen(host, port)) return false;
  const message = `${name} is not reachable at ${host}:${port}`;
  if (process.env.CI === 'true') throw new Error(`${message}, and CI must run every service-backed test`);
  console.warn(`skipping ${name} tests: ${message} (set the URL env variable or start the service)`);
  return `${message}`;
}
