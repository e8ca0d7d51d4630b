import type { ApiKeyRecord } from './api-key-source.ts';
import type { QueryPair } from './python2-form-encoding.ts';

export interface VerifiedCall {
  /** The key that signed the call (its `userId` is the user it acts for). */
  apiKey: ApiKeyRecord;
  /** The query parameters, decoded, in the order received, without `signature`. */
  params: QueryPair[];
}

/** A verified call that serialises without the key's secrets, so logging `req.signedCall` leaks nothing. */
export class VerifiedSignedCall implements VerifiedCall {
  readonly apiKey: ApiKeyRecord;
  readonly params: QueryPair[];

  constructor(apiKey: ApiKeyRecord, params: QueryPair[]) {
    this.apiKey = apiKey;
    this.params = params;
  }

  toJSON(): { apiKey: { apiKey: string; userId?: string | number }; params: QueryPair[] } {
    const { apiKey, userId } = this.apiKey;
    return { apiKey: userId === undefined ? { apiKey } : { apiKey, userId }, params: this.params };
  }
}
