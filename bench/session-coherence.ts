// `tsx --conditions=@ssokit/source bench/session-coherence.ts [rounds]`: the time from a
// logout on one client process to the first refusal of that session on another, with the
// read cache on (the default) over each shared store. Two real child processes (the client
// context of packages/client/test/support/session-process.ts); the parent asks the second
// one to read the session in a tight loop (an IPC round trip each) from the moment the
// first one's logout returns. Prints the distribution per store.
import { uniqueTestName } from '@ssokit/stores/testing';
import {
  dropSessionTable,
  type SessionProcess,
  startSessionProcess,
} from '../packages/client/test/support/session-processes.ts';

const rounds = Number(process.argv[2] ?? 50);
const stores = {
  redis: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgres: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  memcached: process.env.BENCH_MEMCACHED_URL ?? 'memcached://127.0.0.1:11211',
  mysql: process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

async function cached(reader: SessionProcess, token: string): Promise<void> {
  const until = Date.now() + 5000;
  while (Date.now() < until) if ((await reader.ask({ op: 'read', token })).sync === true) return;
  throw new Error('the session never answered from the cache');
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

console.log(`| store | rounds | p50 ms | p90 ms | p99 ms | max ms | reads until refused (p50) |`);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, url] of Object.entries(stores)) {
  const id = uniqueTestName(`bench_coh_${name}`);
  const env = { TEST_STORE_URL: url, TEST_KEY_PREFIX: `${id}:`, TEST_TABLE: id };
  const [a, b] = await Promise.all([startSessionProcess(env), startSessionProcess(env)]);
  const times: number[] = [];
  const reads: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const { token = '' } = await a.ask({ op: 'create', userId: round + 1 });
      await cached(b, token);
      await a.ask({ op: 'logout', token });
      const loggedOut = performance.now();
      let count = 0;
      for (;;) {
        count += 1;
        if ((await b.ask({ op: 'read', token })).user === null) break;
        if (performance.now() - loggedOut > 5000) throw new Error(`${name}: still served after 5 s`);
      }
      times.push(performance.now() - loggedOut);
      reads.push(count);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await dropSessionTable(url, id);
  }
  times.sort((x, y) => x - y);
  reads.sort((x, y) => x - y);
  const f = (ms: number) => ms.toFixed(1);
  console.log(
    `| ${name} | ${rounds} | ${f(quantile(times, 0.5))} | ${f(quantile(times, 0.9))} | ${f(quantile(times, 0.99))} | ${f(times.at(-1) ?? Number.NaN)} | ${quantile(reads, 0.5)} |`,
  );
}
