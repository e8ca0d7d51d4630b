// `tsx bench/route/count-cache-scenarios.ts [requests] [scenario…]`: instructions per request of the
// authenticated route with sessions in Redis and in PostgreSQL, the client's read cache on
// (the default) and off, against no-auth; or of the scenarios named, the first as the baseline
// (`8000 no-auth-fastify ssokit-fastify-memory`): the route section's count for these scenarios
// only, quicker than a full `npm run bench` (each server runs under valgrind, about 50x slower).
import { canCountInstructions, countInstructionsOf } from './count-instructions.ts';

if (!canCountInstructions()) {
  console.error('valgrind (callgrind) is not installed: apt-get install -y valgrind');
  process.exit(1);
}
const requests = Number(process.argv[2] ?? 3000);
const chosen = process.argv.slice(3);
const scenarios =
  chosen.length > 0
    ? chosen
    : ['no-auth', 'ssokit-redis', 'ssokit-redis-nocache', 'ssokit-postgres', 'ssokit-postgres-nocache'];
const counts = await countInstructionsOf(
  scenarios,
  { warmupRequests: Math.round(requests * 0.6), requests, connections: 10 },
  (count) =>
    console.error(`${count.scenario}: ${Math.round(count.instructionsPerRequest)} instructions/request`),
);
const baseline = counts[0]?.instructionsPerRequest ?? Number.NaN;
console.log('| scenario | instructions/request | ratio to the first | all threads | failures |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const count of counts) {
  const ratio = baseline / count.instructionsPerRequest;
  console.log(
    `| ${count.scenario} | ${Math.round(count.instructionsPerRequest / 1000)}k | ${ratio.toFixed(3)} | ${Math.round(count.allThreadsPerRequest / 1000)}k | ${count.failures} |`,
  );
}
