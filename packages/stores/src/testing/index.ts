export { asyncOnlyStore } from './async-only-store.ts';
export { eventually } from './eventually.ts';
export { freePort, portAnswers } from './free-port.ts';
export { type TcpProxy, tcpProxy } from './tcp-proxy.ts';
export {
  type TestClock,
  type TestKeyValueStoreOptions,
  testClock,
  testKeyValueStore,
} from './test-key-value-store.ts';
export { skipUnlessServiceRuns, type TestServiceName, testServiceUrls } from './test-services.ts';
export { type TestSqlDatabaseOptions, testSqlDatabase, uniqueTestName } from './test-sql-database.ts';
