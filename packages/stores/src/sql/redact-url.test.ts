import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from './open-sql-database.ts';

describe('redactUrl()', () => {
  it('hides the password of user:password@ URLs and keeps the rest readable', () => {
    assert.equal(redactUrl('postgres://app:s3cret@db:5432/sso'), 'postgres://app:***@db:5432/sso');
    assert.equal(redactUrl('redis://:s3cret@cache:6379/2'), 'redis://:***@cache:6379/2');
    assert.equal(redactUrl('memcached://user:s3cret@mc:11211'), 'memcached://user:***@mc:11211');
  });

  it('hides password query parameters', () => {
    assert.equal(
      redactUrl('mysql://db/sso?user=app&password=s3cret&ssl=true'),
      'mysql://db/sso?user=app&password=***&ssl=true',
    );
  });

  it('leaves URLs without a password alone', () => {
    for (const url of ['redis://127.0.0.1:6379', 'sqlite:ssokit.sqlite', 'memcached://mc:11211,mc2:11211']) {
      assert.equal(redactUrl(url), url);
    }
  });
});
