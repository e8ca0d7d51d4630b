export {
  type RequireSignedCallOptions,
  requireSignedCall,
  type SignedCallLogger,
} from './require-signed-call.ts';
