// Python-style JSON lives in @ssokit/protocol; re-exported where it was public first.
export { djangoJsonDate, type PythonJsonValue, pythonJsonDumps } from '@ssokit/protocol';
export type { Account, AccountChanges, NewAccount } from './accounts/account.ts';
export { type AccountStore, type SqlAccountStoreOptions, sqlAccountStore } from './accounts/account-store.ts';
export {
  argon2PasswordHasher,
  type PasswordHasher,
  type PasswordHashingOptions,
} from './accounts/password-hashing.ts';
export { defaultUserToJson, type UserJson, type UserToJson } from './accounts/user-json.ts';
export type { AuditEvent, AuditQuery, AuditTrail, AuditTrailOptions } from './audit/audit-trail.ts';
export {
  type ClientRecord,
  type ClientRegistry,
  DEFAULT_CALLBACK_PATH,
  ssoClientEndpoints,
  staticClientRegistry,
} from './clients/client-registry.ts';
export { allowedRedirectTarget, callbackPathOf, isCallbackTarget } from './clients/redirect-target.ts';
export { type AddClientInput, type SqlClientStore, sqlClientStore } from './clients/sql-client-store.ts';
export { type ProviderEnv, readProviderEnv } from './config/provider-env.ts';
export {
  type ProviderOptions,
  providerOptionsSchema,
  type ResolvedProviderOptions,
  resolveProviderOptions,
} from './config/provider-options.ts';
export { createProvider, type Provider } from './create-provider.ts';
export { createProviderApp, type ProviderApp } from './create-provider-app.ts';
export type { DependencyStatus, ProviderState, ReadinessReport } from './health/readiness.ts';
export { CSRF_COOKIE, SESSION_COOKIE } from './http/cookies.ts';
export { defaultProviderLogger, type ProviderLogger, silentLogger } from './logging/provider-logger.ts';
export { safeLogoutReturn } from './logout/logout-return.ts';
export { metricsServer } from './observability/metrics-server.ts';
export type {
  ProviderEvent,
  ProviderEvents,
  ProviderEventType,
  ProviderObserver,
  SignedCallEndpoint,
  SignInOutcome,
} from './observability/provider-events.ts';
export type { ProviderMetrics } from './observability/provider-metrics.ts';
export type { LoginRateLimitOptions } from './rate-limit/login-rate-limiter.ts';
export { ensureAccount, ensureClient } from './seeding.ts';
export { type RunningProvider, type ServeProviderOptions, serveProvider } from './serve-provider.ts';
export {
  type EndSessionsReason,
  type EndUserSessionsOptions,
  endUserSessions,
} from './sessions/end-user-sessions.ts';
export type { ProviderSession, ProviderSessions } from './sessions/provider-sessions.ts';
export type { IndexedSession, SessionDetails } from './sessions/session-index.ts';
export { type SignedIn, signedInAccount } from './sessions/signed-in-account.ts';
