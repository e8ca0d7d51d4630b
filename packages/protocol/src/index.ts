export {
  type ApiKeyRecord,
  type ApiKeySource,
  isEndpointAllowed,
  matchesEndpointPattern,
  staticApiKeySource,
} from './api-key-source.ts';
export { type BodyFramingHeaders, hasBodyWithoutLength } from './body-framing.ts';
export {
  type CachedApiKeySource,
  type CachedApiKeySourceOptions,
  cachedApiKeySource,
} from './cached-api-key-source.ts';
export {
  isSsoError,
  SSO_ERRORS,
  SsoError,
  SsoErrorCode,
  type SsoErrorKind,
  type SsoErrorOptions,
  statusOf,
  WIRE_ERROR_TEXT,
} from './errors.ts';
export { escapeHtml } from './escape-html.ts';
export { type IdenticalCalls, identicalCallsWarning } from './identical-calls.ts';
export {
  type MemoryReplayGuard,
  type MemoryReplayGuardOptions,
  memoryReplayGuard,
} from './memory-replay-guard.ts';
export { djangoJsonDate, type PythonJsonValue, pythonJsonDumps } from './python-json.ts';
export {
  formDecode,
  MalformedQueryError,
  parseQueryString,
  type QueryPair,
  quotePlus,
  urlencodePython2,
} from './python2-form-encoding.ts';
export {
  computeSignature,
  currentTimestamp,
  type SignedRequest,
  type SignRequestInput,
  signRequest,
  timestampSource,
} from './request-signer.ts';
export { SignedApiClient, type SignedApiClientOptions } from './signed-api-client.ts';
export { readWebBody } from './signed-call/read-web-body.ts';
export {
  DEFAULT_SIGNED_BODY_LIMIT,
  isRefusal,
  SignedCallGate,
  type SignedCallGateLogger,
  type SignedCallGateOptions,
  type SignedCallRefusal,
} from './signed-call/signed-call-gate.ts';
export {
  type IncomingSignedRequest,
  type ReplayGuardStore,
  SignedRequestVerifier,
  type SignedRequestVerifierOptions,
  type VerifiedCall,
} from './signed-request-verifier.ts';
export { clearedCookie, readCookie, type SiteCookieOptions, siteCookie } from './site-cookies.ts';
export type { SsoLogger } from './sso-logger.ts';
export { tokenDigest } from './token-digest.ts';
export { pythonJsonString, wireErrorJson } from './wire-error-body.ts';
