import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUICK } from './lib/scenario.ts';
import { runSuite } from './suite.ts';

// The bounded form of `npm run reliability`: the same deployment and scenarios, smaller.
// Each scenario's goals are issue 11's: nothing lost, no 500, every request answered in time.
describe('reliability suite (quick)', { timeout: 300_000 }, async () => {
  const run = await runSuite(QUICK, { progress: (line) => console.error(line) });
  for (const result of run.results) {
    it(`${result.title}: every goal met`, () => {
      const missed = result.goals.filter((g) => !g.met).map((g) => `${g.description}: ${g.figure}`);
      assert.deepEqual(missed, [], `${result.tried}; came back: ${JSON.stringify(result.cameBack)}`);
    });
  }
});
