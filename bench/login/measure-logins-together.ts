import type { RunningLoginSystem } from './login-flow.ts';
import { type LoginMeasurement, type MeasureLoginsOptions, measureLogins } from './measure-logins.ts';

/** A promise each of `parties` callers awaits until all of them have called. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    waiting++;
    if (waiting === parties) release();
    return released;
  };
}

/**
 * Both systems measured in the same window: each signs in and warms up its browsers, then both
 * clocks start at once and run for the same time. Whatever the machine does meanwhile (this
 * VM's speed drifts by ±20 % within minutes, see bench/README.md) it does to both, so the ratio
 * of the two is not the ratio of two moments. The systems share the cores they are pinned to:
 * each figure is a share of the same core, not a system's whole capacity.
 */
export async function measureLoginsTogether(
  systems: readonly [RunningLoginSystem, RunningLoginSystem],
  options: Omit<MeasureLoginsOptions, 'beforeClock'>,
): Promise<[LoginMeasurement, LoginMeasurement]> {
  const beforeClock = barrier(systems.length);
  const [first, second] = await Promise.all(
    systems.map((system) => measureLogins(system, { ...options, beforeClock })),
  );
  return [first as LoginMeasurement, second as LoginMeasurement];
}
