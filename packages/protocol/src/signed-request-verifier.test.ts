import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { protocolVectors } from '../../../fixtures/protocol-vectors.ts';
import { type ApiKeyRecord, staticApiKeySource } from './api-key-source.ts';
import { SsoError } from './errors.ts';
import { signRequest } from './request-signer.ts';
import {
  type IncomingSignedRequest,
  type ReplayGuardStore,
  SignedRequestVerifier,
  type SignedRequestVerifierOptions,
} from './signed-request-verifier.ts';

const vectors = protocolVectors;

const NOW_SECONDS = 1_700_000_000;
const KEY: ApiKeyRecord = {
  apiKey: 'k1',
  secrets: ['secret-one-0123456789'],
  allowedEndpoints: ['/sso/reqeusttoken/', '/sso/authtoken/', '/api/*'],
  userId: 7,
};

function verifierWith(records: ApiKeyRecord[], extra: Partial<SignedRequestVerifierOptions> = {}) {
  return new SignedRequestVerifier({
    apiKeys: staticApiKeySource(records),
    now: () => NOW_SECONDS * 1000,
    ...extra,
  });
}

function split(pathWithQuery: string, body?: string): IncomingSignedRequest {
  const at = pathWithQuery.indexOf('?');
  return {
    path: at === -1 ? pathWithQuery : pathWithQuery.slice(0, at),
    rawQuery: at === -1 ? '' : pathWithQuery.slice(at + 1),
    ...(body === undefined ? {} : { body }),
  };
}

function signed(
  path: string,
  options: { timestamp?: number | string; secret?: string; body?: string; keepBlank?: boolean } = {},
) {
  if (options.keepBlank) {
    // As a client that signs blank values (which the original server refuses) would.
    const message = `${path}&timestamp=${options.timestamp ?? NOW_SECONDS}&apikey=${KEY.apiKey}`;
    const signature = createHmac('sha256', options.secret ?? (KEY.secrets[0] as string))
      .update(message)
      .digest('base64');
    return { message, signature, pathWithQuery: `${message}&signature=${signature}` };
  }
  return signRequest({
    apiKey: KEY.apiKey,
    secretKey: options.secret ?? (KEY.secrets[0] as string),
    path,
    timestamp: options.timestamp ?? NOW_SECONDS,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

async function refusal(verifier: SignedRequestVerifier, request: IncomingSignedRequest): Promise<SsoError> {
  try {
    await verifier.verify(request);
  } catch (error) {
    assert.ok(error instanceof SsoError, `expected an SsoError, got ${String(error)}`);
    return error;
  }
  assert.fail('verify() accepted the request');
}

describe('SignedRequestVerifier accepts every vector of the original algorithm', () => {
  for (const vector of vectors.cases) {
    it(`verifies "${vector.name}" as sent on the wire`, async () => {
      const verifier = new SignedRequestVerifier({
        apiKeys: staticApiKeySource([
          { apiKey: vector.apikey, secrets: [vector.seckey], allowedEndpoints: ['/*'] },
        ]),
        now: () => Number(vector.timestamp) * 1000,
      });
      const call = await verifier.verify(split(vector.url, vector.body));
      assert.equal(call.apiKey.apiKey, vector.apikey);
      assert.ok(!call.params.some(([name]) => name === 'signature'));
      if (vector.params) assert.deepEqual(call.params.slice(0, vector.params.length), vector.params);
    });
  }

  it('verifies what signRequest() produces for each signable vector', async () => {
    for (const vector of vectors.cases.filter((v) => !v.verify_only)) {
      const verifier = new SignedRequestVerifier({
        apiKeys: staticApiKeySource([
          { apiKey: vector.apikey, secrets: [vector.seckey], allowedEndpoints: ['/*'] },
        ]),
        now: () => Number(vector.timestamp) * 1000,
      });
      const request = signRequest({
        apiKey: vector.apikey,
        secretKey: vector.seckey,
        path: vector.path,
        params: vector.params ?? [],
        timestamp: vector.timestamp,
        ...(vector.body === undefined ? {} : { body: vector.body }),
      });
      await verifier.verify(split(request.pathWithQuery, vector.body));
    }
  });
});

describe('SignedRequestVerifier.verify()', () => {
  it('returns the key, its user and the decoded parameters in the order received', async () => {
    const call = await verifierWith([KEY]).verify(split(signed('/api/x/?b=2&a=hello%20world').pathWithQuery));
    assert.equal(call.apiKey.userId, 7);
    assert.deepEqual(call.params, [
      ['b', '2'],
      ['a', 'hello world'],
      ['timestamp', String(NOW_SECONDS)],
      ['apikey', 'k1'],
    ]);
  });

  it('serialises a verified call without the key’s secrets', async () => {
    const call = await verifierWith([KEY]).verify(split(signed('/api/x/').pathWithQuery));
    const logged = JSON.stringify(call);
    assert.ok(!logged.includes(KEY.secrets[0] as string));
    assert.deepEqual(JSON.parse(logged).apiKey, { apiKey: 'k1', userId: 7 });
  });

  it('accepts the signature unescaped, with "+" arriving raw', async () => {
    const vector = vectors.cases.find((v) => v.name === 'signature-with-plus');
    assert.ok(vector);
    assert.ok(vector.url.includes('+'));
    const verifier = new SignedRequestVerifier({
      apiKeys: staticApiKeySource([
        { apiKey: vector.apikey, secrets: [vector.seckey], allowedEndpoints: ['/*'] },
      ]),
      now: () => Number(vector.timestamp) * 1000,
    });
    await verifier.verify(split(vector.url));
  });

  it('accepts the signature properly escaped (%2B, %2F, %3D)', async () => {
    const vector = vectors.cases.find((v) => v.name === 'signature-with-plus');
    assert.ok(vector);
    const verifier = new SignedRequestVerifier({
      apiKeys: staticApiKeySource([
        { apiKey: vector.apikey, secrets: [vector.seckey], allowedEndpoints: ['/*'] },
      ]),
      now: () => Number(vector.timestamp) * 1000,
    });
    const [message, signature] = vector.url.split('&signature=') as [string, string];
    assert.match(signature, /\+.*\/.*=$/);
    await verifier.verify(split(`${message}&signature=${encodeURIComponent(signature)}`));
  });

  it('verifies against the raw query, so a client encoding differently from Python 2 still verifies', async () => {
    // `%20` and `~` where Python 2 writes `+` and `%7E`: the signature covers the bytes sent.
    const message = `/api/echo/?q=a%20b~c&timestamp=${NOW_SECONDS}&apikey=k1`;
    const sig = createHmac('sha256', KEY.secrets[0] as string)
      .update(message)
      .digest('base64');
    const call = await verifierWith([KEY]).verify(split(`${message}&signature=${encodeURIComponent(sig)}`));
    assert.deepEqual(call.params[0], ['q', 'a b~c']);
  });

  it('accepts the signature anywhere in the query', async () => {
    const request = signed('/api/x/?a=1');
    const [message, signature] = request.pathWithQuery.split('&signature=') as [string, string];
    const [path, query] = message.split('?') as [string, string];
    await verifierWith([KEY]).verify({
      path,
      rawQuery: `signature=${encodeURIComponent(signature)}&${query}`,
    });
  });

  it('drops blank values before recomputing, as the original server: `e=&f=1` verifies as `f=1`', async () => {
    const request = signed('/api/x/?f=1');
    const [message, signature] = request.pathWithQuery.split('&signature=') as [string, string];
    const [path, query] = message.split('?') as [string, string];
    for (const sent of [
      `${path}?e=&${query}&signature=${signature}`,
      `${path}?e&${query}&&signature=${signature}&`,
      `${path}?${query.replace('&', '&%ZZ=&')}&signature=${signature}&g=`,
    ]) {
      const call = await verifierWith([KEY], { identicalCalls: 'accept' }).verify(split(sent));
      // The app sees only what the signature covered.
      assert.deepEqual(
        call.params.map(([name]) => name),
        ['f', 'timestamp', 'apikey'],
        sent,
      );
    }
  });

  it('refuses a signature that covers a blank value, as the original server', async () => {
    const error = await refusal(
      verifierWith([KEY]),
      split(signed('/api/x/?e=&f=1', { keepBlank: true }).pathWithQuery),
    );
    assert.equal(error.wireMessage, 'signature error');
    const space = await verifierWith([KEY]).verify(split(signed('/api/x/?e=+&f=1').pathWithQuery));
    assert.deepEqual(space.params[0], ['e', ' ']);
  });

  it('includes the body in the signature', async () => {
    const request = signed('/api/post/', { body: '{"a":1}' });
    await verifierWith([KEY]).verify(split(request.pathWithQuery, '{"a":1}'));
    const error = await refusal(verifierWith([KEY]), split(request.pathWithQuery, '{"a":2}'));
    assert.deepEqual(error.toWireBody(), { error: 'signature error' });
  });

  it('verifies a chunked call over the URL alone and refuses its body bytes with 411', async () => {
    const overUrl = signed('/api/x/');
    await verifierWith([KEY]).verify({ ...split(overUrl.pathWithQuery, ''), chunked: true });
    for (const request of [overUrl, signed('/api/y/', { body: 'a=1' })]) {
      const error = await refusal(verifierWith([KEY]), {
        ...split(request.pathWithQuery, 'a=1'),
        chunked: true,
      });
      assert.equal(error.status, 411);
      assert.equal(error.code, 'LENGTH_REQUIRED');
      assert.equal(error.wireMessage, 'content-length required');
    }
  });

  it('verifies a call signed with any active secret of the key', async () => {
    const rotated: ApiKeyRecord = { ...KEY, secrets: ['new-secret-0123456789', 'secret-one-0123456789'] };
    const verifier = verifierWith([rotated]);
    await verifier.verify(split(signed('/api/a/', { secret: 'new-secret-0123456789' }).pathWithQuery));
    await verifier.verify(split(signed('/api/b/', { secret: 'secret-one-0123456789' }).pathWithQuery));
  });

  it('refuses a secret that rotation has retired', async () => {
    const retired: ApiKeyRecord = { ...KEY, secrets: ['new-secret-0123456789'] };
    const error = await refusal(verifierWith([retired]), split(signed('/api/a/').pathWithQuery));
    assert.equal(error.wireMessage, 'signature error');
  });
});

describe('SignedRequestVerifier refuses bad calls with the original status and text', () => {
  const cases: [string, () => IncomingSignedRequest, number, string][] = [
    ['an unsigned call', () => split('/sso/reqeusttoken/'), 403, 'parameter missing'],
    [
      'a call without apikey',
      () => split(signed('/api/x/').pathWithQuery.replace('&apikey=k1', '')),
      403,
      'parameter missing',
    ],
    [
      'a call without timestamp',
      () => split(signed('/api/x/').pathWithQuery.replace(`timestamp=${NOW_SECONDS}&`, '')),
      403,
      'parameter missing',
    ],
    [
      'a call with an empty signature',
      () => split(`${signed('/api/x/').message}&signature=`),
      403,
      'parameter missing',
    ],
    [
      'a call with an empty apikey',
      () => split(`/api/x/?timestamp=${NOW_SECONDS}&apikey=&signature=abc`),
      403,
      'parameter missing',
    ],
    [
      'a call 301 s in the past',
      () => split(signed('/api/x/', { timestamp: NOW_SECONDS - 301 }).pathWithQuery),
      403,
      'time drift > 300 sec',
    ],
    [
      'a call 301 s in the future',
      () => split(signed('/api/x/', { timestamp: NOW_SECONDS + 301 }).pathWithQuery),
      403,
      'time drift > 300 sec',
    ],
    [
      'an unknown key',
      () =>
        split(
          signRequest({ apiKey: 'nope', secretKey: 's', path: '/api/x/', timestamp: NOW_SECONDS })
            .pathWithQuery,
        ),
      403,
      'entry point not allowed for the API key',
    ],
    [
      'a path the key may not call',
      () => split(signed('/admin/x/').pathWithQuery),
      403,
      'entry point not allowed for the API key',
    ],
    [
      'a wrong secret',
      () => split(signed('/api/x/', { secret: 'wrong-secret-0123456789' }).pathWithQuery),
      403,
      'signature error',
    ],
    [
      'a tampered parameter',
      () => split(signed('/api/x/?amount=1').pathWithQuery.replace('amount=1', 'amount=9')),
      403,
      'signature error',
    ],
    [
      'a truncated signature',
      () => split(signed('/api/x/').pathWithQuery.slice(0, -2)),
      403,
      'signature error',
    ],
  ];
  for (const [name, request, status, text] of cases) {
    it(`answers ${status} "${text}" to ${name}`, async () => {
      const error = await refusal(verifierWith([KEY]), request());
      assert.equal(error.status, status);
      assert.deepEqual(error.toWireBody(), { error: text });
    });
  }

  it('names its own drift window in the drift error', async () => {
    const verifier = verifierWith([KEY], { maxDriftSeconds: 60 });
    const error = await refusal(
      verifier,
      split(signed('/api/x/', { timestamp: NOW_SECONDS - 61 }).pathWithQuery),
    );
    assert.equal(error.wireMessage, 'time drift > 60 sec');
  });

  it('checks drift before the key, and the key before the signature', async () => {
    const stale = signRequest({
      apiKey: 'nope',
      secretKey: 'x',
      path: '/admin/',
      timestamp: NOW_SECONDS - 1000,
    });
    assert.equal(
      (await refusal(verifierWith([KEY]), split(stale.pathWithQuery))).wireMessage,
      'time drift > 300 sec',
    );
    const unknownBadSig = signRequest({
      apiKey: 'nope',
      secretKey: 'x',
      path: '/api/x/',
      timestamp: NOW_SECONDS,
    });
    assert.equal(
      (await refusal(verifierWith([KEY]), split(unknownBadSig.pathWithQuery))).wireMessage,
      'entry point not allowed for the API key',
    );
  });

  it('refuses a replayed call with 403, also when the signature is spelt differently', async () => {
    const verifier = verifierWith([KEY]);
    const request = signed('/sso/reqeusttoken/', { timestamp: '1700000000.25' });
    await verifier.verify(split(request.pathWithQuery));
    const again = await refusal(verifier, split(request.pathWithQuery));
    assert.equal(again.status, 403);
    assert.equal(again.code, 'REPLAYED_REQUEST');
    const respelt = `${request.message}&signature=${encodeURIComponent(request.signature)}`;
    assert.equal((await refusal(verifier, split(respelt))).code, 'REPLAYED_REQUEST');
  });

  it('accepts any number of identical calls with identicalCalls: "accept"', async () => {
    const verifier = verifierWith([KEY], { identicalCalls: 'accept' });
    const request = signed('/sso/reqeusttoken/', { timestamp: '1700000000.25' });
    for (let i = 0; i < 5; i++) await verifier.verify(split(request.pathWithQuery));
  });

  describe('with identicalCalls: { acceptWithinMs }', () => {
    const clockAt = (start: number) => {
      const clock = { ms: start, now: () => clock.ms };
      return clock;
    };
    const mapStore = (): ReplayGuardStore & { entries: Map<string, string> } => {
      const entries = new Map<string, string>();
      return {
        entries,
        add: async (key, value) => {
          if (entries.has(key)) return false;
          entries.set(key, value);
          return true;
        },
        get: async (key) => entries.get(key),
      };
    };
    for (const [where, store] of [
      ['in this process', () => undefined],
      ['in a shared store', mapStore],
    ] as const) {
      it(`accepts an identical call inside the grace, refuses it after (${where})`, async () => {
        const clock = clockAt(NOW_SECONDS * 1000);
        const replayStore = store();
        const options = {
          identicalCalls: { acceptWithinMs: 1000 },
          now: clock.now,
          ...(replayStore === undefined ? {} : { replayStore }),
        };
        const verifier = verifierWith([KEY], options);
        // Python 2's str(time.time()): two calls in the same 10 ms step are byte-identical.
        const request = split(signed('/api/x/?a=1', { timestamp: '1700000000.01' }).pathWithQuery);
        await verifier.verify(request);
        clock.ms += 400;
        await verifier.verify(request);
        clock.ms += 700;
        assert.equal((await refusal(verifier, request)).code, 'REPLAYED_REQUEST');
        // Another process sharing the store sees the first sighting too.
        if (replayStore !== undefined) {
          const other = verifierWith([KEY], options);
          assert.equal((await refusal(other, request)).code, 'REPLAYED_REQUEST');
        }
      });
    }

    it('needs a replay store that can get, and a positive grace', () => {
      assert.throws(
        () =>
          verifierWith([KEY], {
            identicalCalls: { acceptWithinMs: 1000 },
            replayStore: { add: async () => true },
          }),
        /replayStore.get/,
      );
      assert.throws(() => verifierWith([KEY], { identicalCalls: { acceptWithinMs: -1 } }), /acceptWithinMs/);
      assert.throws(
        () => verifierWith([KEY], { identicalCalls: 'sometimes' as unknown as 'accept' }),
        /identicalCalls/,
      );
    });
  });

  it('does not let a call with a bad signature poison the replay guard', async () => {
    const verifier = verifierWith([KEY]);
    const genuine = signed('/api/x/?a=1');
    const forged = genuine.pathWithQuery.replace('a=1', 'a=2');
    assert.equal((await refusal(verifier, split(forged))).wireMessage, 'signature error');
    await verifier.verify(split(genuine.pathWithQuery));
  });

  it('remembers a signature for twice the drift window in the replay store', async () => {
    const seen: [string, number][] = [];
    const replayStore: ReplayGuardStore = {
      add: async (key, _value, ttl) => {
        seen.push([key, ttl]);
        return true;
      },
    };
    const request = signed('/api/x/');
    await verifierWith([KEY], { replayStore }).verify(split(request.pathWithQuery));
    assert.deepEqual(seen, [[`k1:${request.signature}`, 600]]);
  });

  it('answers 503 when the replay store or the key source is down', async () => {
    const down = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const request = split(signed('/api/x/').pathWithQuery);
    const storeDown = await refusal(verifierWith([KEY], { replayStore: { add: down } }), request);
    assert.equal(storeDown.status, 503);
    assert.equal(storeDown.code, 'STORE_UNAVAILABLE');
    const sourceDown = new SignedRequestVerifier({
      apiKeys: { findApiKey: down },
      now: () => NOW_SECONDS * 1000,
    });
    assert.equal((await refusal(sourceDown, request)).status, 503);
  });
});

describe('SignedRequestVerifier refuses malformed input with 400', () => {
  const good = () => signed('/api/x/').pathWithQuery;
  const cases: [string, () => string][] = [
    ['a bad percent-escape', () => `${good()}&q=%ZZ`],
    ['a truncated percent-escape', () => `${good()}&q=%4`],
    ['invalid UTF-8 (%C3%28)', () => `${good()}&q=%C3%28`],
    ['a bad escape in a name', () => `${good()}&%E0%A4=1`],
    ['a repeated apikey', () => `${good()}&apikey=k1`],
    ['a repeated timestamp', () => `${good()}&timestamp=${NOW_SECONDS}`],
    ['a repeated signature', () => `${good()}&signature=AAAA`],
    ['a non-numeric timestamp', () => `/api/x/?timestamp=abc&apikey=k1&signature=x`],
    ['a NaN timestamp', () => `/api/x/?timestamp=NaN&apikey=k1&signature=x`],
    ['an Infinity timestamp', () => `/api/x/?timestamp=Infinity&apikey=k1&signature=x`],
    ['an exponent timestamp', () => `/api/x/?timestamp=1.7e9&apikey=k1&signature=x`],
    ['a negative timestamp', () => `/api/x/?timestamp=-1&apikey=k1&signature=x`],
    ['a huge timestamp', () => `/api/x/?timestamp=${'9'.repeat(400)}&apikey=k1&signature=x`],
    ['a 100 kB query string', () => `${good()}&pad=${'a'.repeat(100_000)}`],
  ];
  for (const [name, url] of cases) {
    it(`answers 400 to ${name}`, async () => {
      const error = await refusal(verifierWith([KEY]), split(url()));
      assert.equal(error.status, 400);
      assert.equal(error.code, 'MALFORMED_REQUEST');
      assert.equal(typeof error.toWireBody().error, 'string');
    });
  }

  it('answers 403 time drift to a numeric timestamp far in the future', async () => {
    const error = await refusal(
      verifierWith([KEY]),
      split('/api/x/?timestamp=999999999999999&apikey=k1&signature=x'),
    );
    assert.equal(error.wireMessage, 'time drift > 300 sec');
  });
});

describe('new SignedRequestVerifier()', () => {
  it('names the bad option', () => {
    assert.throws(
      () => new SignedRequestVerifier({ apiKeys: staticApiKeySource([KEY]), maxDriftSeconds: -1 }),
      /maxDriftSeconds/,
    );
    assert.throws(() => new SignedRequestVerifier({} as SignedRequestVerifierOptions), /apiKeys/);
  });
});
