export type { SsoRequestContext } from '../core/sso-request-context.ts';
export {
  type FetchApp,
  type SsoFetch,
  type SsoFetchContext,
  type SsoFetchOptions,
  ssoFetch,
} from './sso-fetch.ts';
