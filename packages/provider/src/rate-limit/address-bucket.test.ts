import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressBucket } from './address-bucket.ts';

describe('addressBucket()', () => {
  it('keeps an IPv4 address, also when it comes IPv4-mapped', () => {
    assert.equal(addressBucket('198.51.100.7'), '198.51.100.7');
    assert.equal(addressBucket('::ffff:198.51.100.7'), '198.51.100.7');
  });

  it('counts every address of one IPv6 /64 as one, and another /64 apart', () => {
    const bucket = addressBucket('2001:db8:1:2::1');
    assert.equal(bucket, '2001:db8:1:2::/64');
    assert.equal(addressBucket('2001:0db8:0001:0002:ffff:1234:abcd:9'), bucket);
    assert.notEqual(addressBucket('2001:db8:1:3::1'), bucket);
  });

  it('keeps text that is no address as it is', () => {
    assert.equal(addressBucket('unknown'), 'unknown');
  });
});
