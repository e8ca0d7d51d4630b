import { memoryKeyValueStore } from '../src/index.ts';
import { testClock, testKeyValueStore } from '../src/testing/index.ts';

const clock = testClock();
testKeyValueStore('memory', () => memoryKeyValueStore({ now: clock.now }), { clock });
