export type { SsoRequestContext } from '../core/sso-request-context.ts';
export {
  requireLogin,
  type SsoEnv,
  type SsoHonoMiddleware,
  type SsoHonoOptions,
  type SsoVariables,
  ssoClient,
} from './sso-middleware.ts';
