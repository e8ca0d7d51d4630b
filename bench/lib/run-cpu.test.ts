import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { runCpuSeconds } from './run-cpu.ts';

// A child that burns 300 ms of its own CPU time, however busy the machine is.
const BURN = 'const end = 300_000; while (process.cpuUsage().user < end);';

test('counts the CPU time of children that have exited', { skip: !existsSync('/proc/self/stat') }, () => {
  const before = runCpuSeconds();
  const child = spawnSync(process.execPath, ['-e', BURN]);
  assert.equal(child.status, 0);
  const used = runCpuSeconds() - before;
  assert.ok(used >= 0.29, `counted ${used} s`);
});

test('counts its own CPU time', () => {
  const before = runCpuSeconds();
  const start = process.cpuUsage().user;
  while (process.cpuUsage().user - start < 200_000);
  assert.ok(runCpuSeconds() - before >= 0.19);
});
