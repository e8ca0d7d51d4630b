import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { djangoJsonDate, pythonJsonDumps } from './python-json.ts';

describe('pythonJsonDumps()', () => {
  it('writes the request token answer with a space after the colon, as the original', () => {
    assert.equal(pythonJsonDumps({ request_token: 'ee7a75d8' }), '{"request_token": "ee7a75d8"}');
  });

  it('separates items with a comma and a space and keeps key order', () => {
    assert.equal(
      pythonJsonDumps({ b: 1, a: [true, false, null], c: {} }),
      '{"b": 1, "a": [true, false, null], "c": {}}',
    );
  });

  it('escapes non-ASCII characters as lowercase \\u escapes, astral ones as surrogate pairs', () => {
    assert.equal(pythonJsonDumps('Zoë 😀'), '"Zo\\u00eb \\ud83d\\ude00"');
  });

  it('escapes quotes, backslashes, control characters and DEL as Python does', () => {
    assert.equal(pythonJsonDumps('a"b\\c\nd\te\u0001\u007f'), '"a\\"b\\\\c\\nd\\te\\u0001\\u007f"');
  });

  it('writes floats with a two-digit exponent like Python repr', () => {
    assert.equal(pythonJsonDumps(1.5e-7), '1.5e-07');
    assert.equal(pythonJsonDumps(0.5), '0.5');
  });

  it('refuses NaN and infinities instead of writing invalid JSON', () => {
    assert.throws(() => pythonJsonDumps(Number.NaN), TypeError);
  });
});

describe('djangoJsonDate()', () => {
  it('writes milliseconds and Z like DjangoJSONEncoder', () => {
    assert.equal(djangoJsonDate(new Date('2026-11-29T14:19:10.871Z')), '2026-11-29T14:19:10.871Z');
  });

  it('leaves the fraction out when the time has none', () => {
    assert.equal(djangoJsonDate(new Date('2026-11-29T14:19:10.000Z')), '2026-11-29T14:19:10Z');
  });
});
