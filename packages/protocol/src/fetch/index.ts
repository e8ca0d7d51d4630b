export {
  requireSignedCall,
  type SignedFetch,
  type SignedFetchCall,
  type SignedFetchOptions,
} from './signed-calls.ts';
