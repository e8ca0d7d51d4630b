export {
  type RequireSignedCallOptions,
  requireSignedCall,
  type SignedCallEnv,
  type SignedCallVariables,
} from './require-signed-call.ts';
