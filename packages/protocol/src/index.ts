export { isSsoError, SsoError, SsoErrorCode, type SsoErrorOptions, WIRE_ERROR_TEXT } from './errors.ts';
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
} from './request-signer.ts';
