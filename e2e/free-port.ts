import { freePort as freePortOn } from '@ssokit/stores/testing';

/** A port nobody listens on right now at localhost, where the demo's servers listen. */
export const freePort = (): Promise<number> => freePortOn('localhost');
