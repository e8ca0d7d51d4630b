export {
  clientConfigSchema,
  MIN_SECRET_LENGTH,
  type ResolvedClientConfig,
  type SsoClientConfig,
} from './config/client-config.ts';
export type { ClientEnvFallbacks } from './config/client-env.ts';
export { CLIENT_ENV_VARIABLES } from './config/client-env.ts';
export {
  createSsoHandler,
  isAnswer,
  type LoginRequirement,
  type SsoAnswer,
  type SsoHandler,
  type SsoHandlerOptions,
  type SsoHeaders,
  type SsoHttpRequest,
  type SsoOutcome,
  type SsoPass,
} from './core/index.ts';
export type { SsoRequestContext } from './core/sso-request-context.ts';
export {
  createSsoClient,
  type SsoClient,
  type SsoClientInternals,
  type SsoClientSettings,
} from './create-sso-client.ts';
export { type ErrorPage, errorPage, escapeHtml } from './http/error-page.ts';
export type { SsoLogger } from './logging/sso-logger.ts';
export type { BeginLoginInput, BeginLoginResult } from './login/begin-login.ts';
export type { CompleteLoginInput, CompleteLoginResult } from './login/complete-login.ts';
export { safeRedirectTarget } from './login/safe-redirect.ts';
export type { LogoutNoticeAnswer, LogoutNoticeRequest } from './logout/logout-notice.ts';
export { signInIdOf } from './logout/sign-in-id.ts';
export type { LogoutResult, RequestTransport, SessionLookup } from './session/session-flows.ts';
export { type ActiveSession, SessionManager, type SessionManagerOptions } from './session/session-manager.ts';
export { type CacheUserStoreOptions, cacheUserStore } from './user/cache-user-store.ts';
export { type SqlUserStoreOptions, sqlUserStore } from './user/sql-user-store.ts';
export {
  MAX_USERNAME_LENGTH,
  type RegisteredExtras,
  type SsoRegister,
  type SsoUser,
  type SsoUserId,
  type SsoUserRecord,
  toSsoUser,
  userRecordFromProvider,
} from './user/sso-user.ts';
export type { UserStore } from './user/user-store.ts';
