import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningLoginSystem } from './login-flow.ts';
import { measureLoginsTogether } from './measure-logins-together.ts';

/**
 * A login system in this process (no provider process: its CPU reads as NaN) whose password
 * sign-in, the browsers' set-up before any clock, takes `signInMs`; it notes when each
 * "continue as" login starts.
 */
function systemInProcess(name: string, signInMs: number) {
  const loginsStartedAt: number[] = [];
  const system: RunningLoginSystem = {
    name,
    processes: { provider: undefined as never },
    clientOrigin: new URL('http://127.0.0.1:9'),
    signIn: () => sleep(signInMs),
    continueAs: async () => {
      loginsStartedAt.push(performance.now());
      await sleep(2);
    },
    passwordLogin: () => sleep(2),
    assertSignedIn: async () => {},
    stop: async () => {},
  };
  return { system, loginsStartedAt };
}

describe('measureLoginsTogether', () => {
  it('starts both clocks when the slower system is ready, and runs them for the same time', async () => {
    const quick = systemInProcess('quick', 0);
    const slow = systemInProcess('slow', 300);
    const started = performance.now();
    const [fromQuick, fromSlow] = await measureLoginsTogether([quick.system, slow.system], {
      mode: 'continue-as',
      concurrency: 2,
      durationSeconds: 0.2,
      warmupLogins: 0,
    });
    const slowReady = started + 300;
    // Before the clock, each browser's first login is checked: two of them. Every other login
    // of the quick system waited for the slow one, which would otherwise have left it a head start.
    const quickBeforeSlowWasReady = quick.loginsStartedAt.filter((at) => at < slowReady - 20);
    assert.equal(quickBeforeSlowWasReady.length, 2);
    assert.ok(fromQuick.logins > 20, `quick: ${fromQuick.logins} logins`);
    assert.ok(fromSlow.logins > 20, `slow: ${fromSlow.logins} logins`);
    // Same work a login, same window: about as many logins each.
    assert.ok(Math.abs(fromQuick.logins - fromSlow.logins) <= fromSlow.logins * 0.3);
  });
});
