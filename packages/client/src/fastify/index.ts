export type { SsoRequestContext } from '../core/sso-request-context.ts';
export { requireLogin, type SsoFastifyOptions, ssoClient } from './sso-plugin.ts';
