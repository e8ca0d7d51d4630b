// Child process (pinned to the provider's core): how long argon2id verify takes alone, one at a
// time and 16 at once, to tell the password hash's share of a password login.
import { BENCH_PASSWORD, hashBenchPassword, verifyBenchPassword } from './bench-account.ts';

const [sequentialCount = 20, concurrentCount = 32] = process.argv.slice(2).map(Number);
const passwordHash = await hashBenchPassword();
const verifyOnce = async () => {
  if (!(await verifyBenchPassword(passwordHash, BENCH_PASSWORD))) throw new Error('argon2 verify failed');
};
await verifyOnce();
// Started ahead, alongside other set-up; it times the hash only when told to, with nothing
// else running.
await new Promise<void>((resolve) => {
  process.on('message', (message: { type: string }) => {
    if (message.type === 'go') resolve();
  });
  process.send?.({ type: 'ready' });
});

let started = performance.now();
for (let i = 0; i < sequentialCount; i++) await verifyOnce();
const sequentialMs = (performance.now() - started) / sequentialCount;

started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next++ < concurrentCount) await verifyOnce();
  }),
);
const concurrentPerSecond = concurrentCount / ((performance.now() - started) / 1000);

process.send?.({ type: 'result', sequentialMs, concurrentPerSecond });
process.disconnect?.();
