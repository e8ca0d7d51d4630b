export { type LoginRequirement, loginRequirement } from './login-requirement.ts';
export {
  createSsoHandler,
  isAnswer,
  type SsoHandler,
  type SsoHandlerOptions,
  type SsoOutcome,
  type SsoPass,
} from './sso-handler.ts';
export type { SsoAnswer, SsoHeaders, SsoHttpRequest } from './sso-http.ts';
