export { type RequireSignedCallOptions, requireSignedCall } from './require-signed-call.ts';
