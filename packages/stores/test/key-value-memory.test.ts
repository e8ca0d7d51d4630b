import { memoryKeyValueStore } from '../src/index.ts';
import { testKeyValueStore } from '../src/testing/index.ts';

testKeyValueStore('memory', () => memoryKeyValueStore());
