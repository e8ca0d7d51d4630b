import './express-request.ts';

export type { SsoRequestContext } from './express-request.ts';
export { requireLogin } from './require-login.ts';
export { type SsoExpressConfig, type SsoExpressOptions, type SsoRouter, ssoClient } from './sso-router.ts';
