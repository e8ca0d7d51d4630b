// `npx tsx --conditions=@ssokit/source bench/login/count-observability-instructions.ts [warm-up] [counted]`:
// the provider's instructions per login with metrics and audit on and off, both at once (each
// provider under valgrind callgrind), without the rest of the bench. BENCH_KEEP_CALLGRIND=1 keeps
// the dumps (for callgrind_annotate) in the system's temporary directory.
import { countLoginInstructions } from './count-login-instructions.ts';

const warmupLogins = Number(process.argv[2] ?? 1000);
const counted = Number(process.argv[3] ?? 100);
const options = {
  warmupLogins: { 'continue-as': warmupLogins, password: 100 },
  logins: { 'continue-as': counted, password: 40 },
  concurrency: 2,
};
// A third argument `metrics` or `audit` counts that one alone as "on".
const onlyOne = process.argv[4];
const onVariant =
  onlyOne === undefined ? true : { metrics: onlyOne === 'metrics', audit: onlyOne === 'audit' };
const [on, off] = await Promise.all(
  [onVariant, false].map((observability) => countLoginInstructions({ observability }, options)),
);
if (on === undefined || off === undefined) throw new Error('no count');
for (const mode of ['continue-as', 'password'] as const) {
  for (const threads of ['all', 'mainThread', 'steady'] as const) {
    const [a, b] = [on[mode][threads], off[mode][threads]];
    console.log(
      `${mode} (${threads}): on ${Math.round(a)} off ${Math.round(b)} instructions/login, off / on ${(b / a).toFixed(3)}`,
    );
  }
}
