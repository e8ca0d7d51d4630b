import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protocolVectors } from '../../../fixtures/protocol-vectors.ts';
import { computeSignature, currentTimestamp, signRequest, timestampSource } from './request-signer.ts';

const vectors = protocolVectors;

describe('signRequest() matches every vector of the original algorithm', () => {
  for (const vector of vectors.cases.filter((v) => !v.verify_only)) {
    it(`signs "${vector.name}" byte for byte`, () => {
      const signed = signRequest({
        apiKey: vector.apikey,
        secretKey: vector.seckey,
        path: vector.path,
        params: vector.params ?? [],
        timestamp: vector.timestamp,
        ...(vector.body === undefined ? {} : { body: vector.body }),
      });
      assert.equal(signed.message, vector.message);
      assert.equal(signed.signature, vector.signature);
      assert.equal(signed.pathWithQuery, vector.url);
    });
  }
});

describe('signRequest()', () => {
  it('keeps the query parameters already on the path, in order, re-encoded the Python 2 way', () => {
    const signed = signRequest({
      apiKey: 'k',
      secretKey: 's',
      path: '/api/x/?b=2&a=hello%20world&c=~',
      timestamp: '10',
    });
    assert.equal(signed.message, '/api/x/?b=2&a=hello+world&c=%7E&timestamp=10&apikey=k');
  });

  it('leaves parameters with an empty value out, as the original client: `e=&f=1` goes out as `f=1`', () => {
    const signed = signRequest({
      apiKey: 'k',
      secretKey: 's',
      path: '/api/x/?e=&f=1&g',
      params: [
        ['h', ''],
        ['i', ' '],
      ],
      timestamp: '10',
    });
    assert.equal(signed.message, '/api/x/?f=1&i=+&timestamp=10&apikey=k');
    assert.ok(signed.pathWithQuery.startsWith(`${signed.message}&signature=`));
  });

  it('signs the python2-order vector when the parameters are given in that order', () => {
    const vector = vectors.cases.find((v) => v.name === 'auth-token-python2-order');
    assert.ok(vector);
    assert.equal(computeSignature(vector.seckey, vector.message), vector.signature);
  });

  it('gives a timestamp of the current time when none is given', () => {
    const before = Date.now() / 1000;
    const signed = signRequest({ apiKey: 'k', secretKey: 's', path: '/p/' });
    const sent = Number(new URLSearchParams(signed.message.split('?')[1]).get('timestamp'));
    assert.ok(sent >= before - 1 && sent <= Date.now() / 1000 + 1);
  });
});

describe('currentTimestamp()', () => {
  it('never gives two calls of one process the same timestamp, so their signatures differ', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => currentTimestamp()));
    assert.equal(seen.size, 1000);
    const signatures = new Set(
      Array.from(
        { length: 100 },
        () => signRequest({ apiKey: 'k', secretKey: 's', path: '/sso/reqeusttoken/' }).signature,
      ),
    );
    assert.equal(signatures.size, 100);
  });

  it('writes seconds with microseconds, then 12 digits of this process', () => {
    const [first, second] = [currentTimestamp(), currentTimestamp()] as [string, string];
    assert.match(first, /^\d{10}\.\d{18}$/);
    assert.equal(first.slice(-12), second.slice(-12));
    assert.ok(Math.abs(Number(first) - Date.now() / 1000) < 1);
  });

  it('gives two sources (two processes) on the same clock reading different timestamps', () => {
    const [one, other] = [timestampSource(), timestampSource()];
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      seen.add(one(1_796_145_689_910));
      seen.add(other(1_796_145_689_910));
    }
    assert.equal(seen.size, 4000);
  });
});
