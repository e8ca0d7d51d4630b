import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type IdenticalCalls,
  SignedRequestVerifier,
  SsoError,
  signRequest,
  staticApiKeySource,
} from '@ssokit/protocol';
import { type KeyValueStore, keyValueStoreFromUrl } from '../src/index.ts';
import { skipUnlessServiceRuns, testServiceUrls } from '../src/testing/index.ts';

const KEY = { apiKey: 'k1', secrets: ['secret-one-0123456789'], allowedEndpoints: ['/api/*'] };

/** A Python 2 style call: 10 ms timestamps, so two clicks in one step are the same call. */
function python2Call(nowMs: number, query: string) {
  const signed = signRequest({
    apiKey: KEY.apiKey,
    secretKey: KEY.secrets[0] as string,
    path: `/api/x/?${query}`,
    timestamp: String(Number((nowMs / 1000).toPrecision(12))),
  });
  const at = signed.pathWithQuery.indexOf('?');
  return { path: signed.pathWithQuery.slice(0, at), rawQuery: signed.pathWithQuery.slice(at + 1) };
}

async function refusalCode(verifier: SignedRequestVerifier, request: { path: string; rawQuery: string }) {
  try {
    await verifier.verify(request);
  } catch (error) {
    assert.ok(error instanceof SsoError);
    return error.code;
  }
  return 'accepted';
}

const skip = await skipUnlessServiceRuns('redis');

describe('two verifiers (two processes) sharing a Redis replay store', { skip }, () => {
  const keyPrefix = `ssokit-test:${randomBytes(6).toString('hex')}:`;
  const stores: KeyValueStore[] = [];
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const verifiers = (identicalCalls?: IdenticalCalls) =>
    stores.map(
      (replayStore) =>
        new SignedRequestVerifier({
          apiKeys: staticApiKeySource([KEY]),
          replayStore,
          now: clock.now,
          ...(identicalCalls === undefined ? {} : { identicalCalls }),
        }),
    ) as [SignedRequestVerifier, SignedRequestVerifier];

  before(() => {
    stores.push(keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix }));
    stores.push(keyValueStoreFromUrl(testServiceUrls.redis, { keyPrefix }));
  });
  after(async () => {
    for (const store of stores) await store.close();
  });

  it('refuses by default on one a call already verified on the other', async () => {
    const [first, second] = verifiers();
    const call = python2Call(clock.now(), 'a=1');
    assert.equal(await refusalCode(first, call), 'accepted');
    assert.equal(await refusalCode(second, call), 'REPLAYED_REQUEST');
  });

  it('accepts 40 identical calls at once on both within acceptWithinMs, and refuses one after', async () => {
    const [first, second] = verifiers({ acceptWithinMs: 1000 });
    const call = python2Call(clock.now(), 'a=2');
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => refusalCode(i % 2 === 0 ? first : second, call)),
    );
    assert.deepEqual(new Set(outcomes), new Set(['accepted']));
    clock.offsetMs += 1500;
    assert.equal(await refusalCode(second, call), 'REPLAYED_REQUEST');
    clock.offsetMs = 0;
  });
});
