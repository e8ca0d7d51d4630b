import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { affinityOf, canPin, withAffinity } from './cpu-affinity.ts';

const skip = !canPin()
  ? 'taskset is not installed'
  : availableParallelism() < 2
    ? 'one core: nothing to move between'
    : false;

describe('withAffinity', { skip }, () => {
  it('moves a process onto a core for the work and back afterwards, also when the work fails', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid as number;
      const before = affinityOf(pid);
      const inside = await withAffinity([[pid, '1']], async () => affinityOf(pid));
      assert.equal(inside, '1');
      assert.equal(affinityOf(pid), before);
      await assert.rejects(
        withAffinity([[pid, '0']], async () => {
          assert.equal(affinityOf(pid), '0');
          throw new Error('work failed');
        }),
        /work failed/,
      );
      assert.equal(affinityOf(pid), before);
    } finally {
      child.kill();
    }
  });
});
