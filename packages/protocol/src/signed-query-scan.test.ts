import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestamp, receivedSignature, scanSignedQuery, withoutSignature } from './signed-query-scan.ts';

describe('parseTimestamp()', () => {
  const valid: [string, number][] = [
    ['1448001005.5', 1448001005.5],
    ['1795962724.6930485', 1795962724.693],
    ['0', 0],
    ['1448001000', 1448001000],
  ];
  for (const [text, expected] of valid) {
    it(`reads ${text} as ${expected} seconds (to the millisecond)`, () => {
      assert.ok(Math.abs(parseTimestamp(text) - expected) < 0.001);
    });
  }
  for (const text of [
    '',
    '.5',
    '5.',
    '-1',
    '+1',
    '1e9',
    'NaN',
    'Infinity',
    ' 1',
    '1 ',
    '1.2.3',
    '0x10',
    '9'.repeat(16),
  ]) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.ok(Number.isNaN(parseTimestamp(text)));
    });
  }
});

describe('scanSignedQuery()', () => {
  it('decodes the parameters in order and finds the three of the signature scheme', () => {
    const scan = scanSignedQuery('q=a+b&timestamp=10&apikey=k&signature=AB+C/=');
    assert.deepEqual(scan.params, [
      ['q', 'a b'],
      ['timestamp', '10'],
      ['apikey', 'k'],
    ]);
    assert.equal(scan.rawSignature, 'AB+C/=');
    assert.equal(
      withoutSignature(
        'q=a+b&timestamp=10&apikey=k&signature=AB+C/=',
        scan.signatureStart,
        scan.signatureEnd,
      ),
      'q=a+b&timestamp=10&apikey=k',
    );
  });

  it('removes a signature placed first or in the middle, keeping the rest byte for byte', () => {
    for (const [query, expected] of [
      ['signature=x&a=%7E', 'a=%7E'],
      ['a=1&signature=x&b=2', 'a=1&b=2'],
      ['a=1&&signature=x', 'a=1&'],
    ] as const) {
      const scan = scanSignedQuery(query);
      assert.equal(withoutSignature(query, scan.signatureStart, scan.signatureEnd), expected);
    }
  });

  it('treats an escaped name like the plain one', () => {
    assert.throws(() => scanSignedQuery('apikey=a&%61pikey=b'), /repeated parameter: apikey/);
  });
});

describe('receivedSignature()', () => {
  it('keeps a raw "+" and decodes an escaped signature', () => {
    assert.equal(receivedSignature('ab+c/='), 'ab+c/=');
    assert.equal(receivedSignature('ab%2Bc%2F%3D'), 'ab+c/=');
    assert.equal(receivedSignature('ab+c%3D'), 'ab+c=');
  });
});
