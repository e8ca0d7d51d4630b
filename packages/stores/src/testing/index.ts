export { skipUnlessServiceRuns, type TestServiceName, testServiceUrls } from './test-services.ts';
