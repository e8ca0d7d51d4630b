import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoTimestamps } from './iso-timestamp.ts';

describe('isoTimestamps', () => {
  it('writes what toISOString writes, within a second, across seconds and back in time', () => {
    const iso = isoTimestamps();
    const start = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
    const times = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 2010, 2011, -5000, 86_400_000, 1_000_000_007].map(
      (offset) => start + offset,
    );
    for (const ms of [...times, 0, 999, 1000, 253_402_300_799_999])
      assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
  });

  it('leaves what it does not cache to toISOString', () => {
    const iso = isoTimestamps();
    for (const ms of [-1, -62_198_755_200_001, 253_402_300_800_000, 1.5, 8.64e15])
      assert.equal(iso(ms), new Date(ms).toISOString(), String(ms));
  });
});
