export { type TestUserStoreOptions, testUserStore } from './user-store-conformance.ts';
