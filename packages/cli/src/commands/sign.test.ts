import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ProtocolVector, protocolVectors } from '../../../../fixtures/protocol-vectors.ts';
import type { CliIo } from '../command.ts';
import { main } from '../main.ts';

const vectors = protocolVectors;

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('ssokit sign', () => {
  for (const vector of vectors.cases.filter((v) => !v.verify_only)) {
    it(`prints the signed path of vector "${vector.name}" with --timestamp`, async () => {
      const query = new URLSearchParams(vector.params ?? []).toString();
      const io = captureIo();
      const code = await main(
        [
          'sign',
          '--apikey',
          vector.apikey,
          '--seckey',
          vector.seckey,
          '--timestamp',
          vector.timestamp,
          ...(vector.body === undefined ? [] : ['--body', vector.body]),
          query === '' ? vector.path : `${vector.path}?${query}`,
        ],
        io,
      );
      assert.equal(code, 0, io.stderr.join('\n'));
      assert.deepEqual(io.stdout, [vector.url]);
    });
  }

  it('keeps the existing parameters in order, re-encoded the Python 2 way', async () => {
    const io = captureIo();
    await main(
      ['sign', '--apikey', 'k', '--seckey', 's', '--timestamp', '10', '/x/?b=2&a=hello%20world&c=~'],
      io,
    );
    assert.match(
      io.stdout[0] ?? '',
      /^\/x\/\?b=2&a=hello\+world&c=%7E&timestamp=10&apikey=k&signature=\S{44}$/,
    );
  });

  it('reads the secret from SSOKIT_SECKEY when --seckey is absent', async () => {
    const vector = vectors.cases[0] as ProtocolVector;
    process.env.SSOKIT_SECKEY = vector.seckey;
    try {
      const io = captureIo();
      await main(['sign', '--apikey', vector.apikey, '--timestamp', vector.timestamp, vector.path], io);
      assert.deepEqual(io.stdout, [vector.url]);
    } finally {
      delete process.env.SSOKIT_SECKEY;
    }
  });

  it('exits 2 with the usage for a missing key, a bad timestamp, a relative path or a bad escape', async () => {
    for (const args of [
      ['--seckey', 's', '/x/'],
      ['--apikey', 'k', '--seckey', 's', '--timestamp', 'now', '/x/'],
      ['--apikey', 'k', '--seckey', 's', 'x/'],
      ['--apikey', 'k', '--seckey', 's', '/x/?q=%ZZ'],
      ['--apikey', 'k', '--seckey', 's', '--bogus', '/x/'],
    ]) {
      const io = captureIo();
      assert.equal(await main(['sign', ...args], io), 2, args.join(' '));
      assert.match(io.stderr.join('\n'), /Usage: ssokit sign/);
    }
  });
});
