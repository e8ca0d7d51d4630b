import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKeyRecord } from './api-key-source.ts';
import { cachedApiKeySource } from './cached-api-key-source.ts';

function countingSource(records: ApiKeyRecord[]) {
  const byKey = new Map(records.map((record) => [record.apiKey, record]));
  const lookups: string[] = [];
  let failing = false;
  return {
    lookups,
    setFailing: (value: boolean) => {
      failing = value;
    },
    byKey,
    source: {
      async findApiKey(apiKey: string) {
        lookups.push(apiKey);
        if (failing) throw new Error('database down');
        return byKey.get(apiKey);
      },
    },
  };
}

const record = (apiKey: string, secret = 's'.repeat(16)): ApiKeyRecord => ({
  apiKey,
  secrets: [secret],
  allowedEndpoints: ['/sso/*'],
});

describe('cachedApiKeySource', () => {
  it('answers a found key from memory until its time is up, then reads the source again', async () => {
    let time = 1_000;
    const { source, lookups } = countingSource([record('k1')]);
    const cached = cachedApiKeySource(source, { ttlMs: 5000, now: () => time });
    assert.equal((await cached.findApiKey('k1'))?.apiKey, 'k1');
    time += 4999;
    assert.equal((await cached.findApiKey('k1'))?.apiKey, 'k1');
    assert.deepEqual(lookups, ['k1']);
    time += 1;
    await cached.findApiKey('k1');
    assert.deepEqual(lookups, ['k1', 'k1']);
  });

  it('does not keep unknown keys, so a key registered meanwhile is seen at once', async () => {
    const { source, lookups, byKey } = countingSource([]);
    const cached = cachedApiKeySource(source);
    assert.equal(await cached.findApiKey('late'), undefined);
    byKey.set('late', record('late'));
    assert.equal((await cached.findApiKey('late'))?.apiKey, 'late');
    assert.deepEqual(lookups, ['late', 'late']);
  });

  it('shares one lookup between concurrent calls for the same key', async () => {
    const { source, lookups } = countingSource([record('k1')]);
    const cached = cachedApiKeySource(source);
    const answers = await Promise.all([
      cached.findApiKey('k1'),
      cached.findApiKey('k1'),
      cached.findApiKey('k1'),
    ]);
    assert.deepEqual(
      answers.map((answer) => answer?.apiKey),
      ['k1', 'k1', 'k1'],
    );
    assert.deepEqual(lookups, ['k1']);
  });

  it('does not keep a failed lookup, so the next call after an outage reads the source again', async () => {
    const { source, lookups, setFailing } = countingSource([record('k1')]);
    const cached = cachedApiKeySource(source);
    setFailing(true);
    await assert.rejects(cached.findApiKey('k1'), /database down/);
    setFailing(false);
    assert.equal((await cached.findApiKey('k1'))?.apiKey, 'k1');
    assert.deepEqual(lookups, ['k1', 'k1']);
  });

  it('forgets a key on invalidate, so a rotated secret is read at once', async () => {
    const { source, byKey } = countingSource([record('k1', 'old-secret-00000')]);
    const cached = cachedApiKeySource(source);
    assert.deepEqual((await cached.findApiKey('k1'))?.secrets, ['old-secret-00000']);
    byKey.set('k1', record('k1', 'new-secret-00000'));
    assert.deepEqual((await cached.findApiKey('k1'))?.secrets, ['old-secret-00000']);
    cached.invalidate('k1');
    assert.deepEqual((await cached.findApiKey('k1'))?.secrets, ['new-secret-00000']);
    byKey.delete('k1');
    cached.invalidate();
    assert.equal(await cached.findApiKey('k1'), undefined);
  });

  it('keeps at most maxEntries keys, dropping the oldest', async () => {
    const { source, lookups } = countingSource([record('a'), record('b'), record('c')]);
    const cached = cachedApiKeySource(source, { maxEntries: 2 });
    for (const key of ['a', 'b', 'c', 'c', 'b', 'a']) await cached.findApiKey(key);
    assert.deepEqual(lookups, ['a', 'b', 'c', 'a']);
  });

  it('reads the source every time with ttlMs 0', async () => {
    const { source, lookups } = countingSource([record('k1')]);
    const cached = cachedApiKeySource(source, { ttlMs: 0 });
    await cached.findApiKey('k1');
    await cached.findApiKey('k1');
    assert.deepEqual(lookups, ['k1', 'k1']);
  });

  it('refuses a negative ttl or a zero size', () => {
    const { source } = countingSource([]);
    assert.throws(() => cachedApiKeySource(source, { ttlMs: -1 }), /ttlMs/);
    assert.throws(() => cachedApiKeySource(source, { maxEntries: 0 }), /maxEntries/);
  });
});
