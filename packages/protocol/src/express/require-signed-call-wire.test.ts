import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { type ApiKeyRecord, staticApiKeySource } from '../api-key-source.ts';
import { computeSignature } from '../request-signer.ts';
import { type RequireSignedCallOptions, requireSignedCall } from './require-signed-call.ts';

const KEY: ApiKeyRecord = {
  apiKey: 'k1',
  secrets: ['secret-one-0123456789'],
  allowedEndpoints: ['/api/*'],
  userId: 'u-42',
};
const SECRET = KEY.secrets[0] as string;

interface Answer {
  status: number;
  body: string;
}

/** Sends the path exactly as given; `chunked` sends the body without Content-Length. */
function send(
  port: number,
  method: string,
  path: string,
  body?: string,
  options: { chunked?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined && !options.chunked) headers['content-length'] = Buffer.byteLength(body);
    if (options.chunked) headers['transfer-encoding'] = 'chunked';
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    if (body !== undefined && body !== '') req.write(body);
    req.end();
  });
}

/** What an original Python 2 client sends: `str(time.time())` (10 ms steps), signature unescaped. */
function python2Call(path: string, query: string, body = ''): string {
  const timestamp = String(Number((Date.now() / 1000).toPrecision(12)));
  const message = `${path}?${query === '' ? '' : `${query}&`}timestamp=${timestamp}&apikey=${KEY.apiKey}`;
  return `${message}&signature=${computeSignature(SECRET, message, body)}`;
}

async function serve(options: Partial<RequireSignedCallOptions> = {}) {
  const warnings: string[] = [];
  const app = express();
  app.use(
    requireSignedCall({
      apiKeys: staticApiKeySource([KEY]),
      logger: { warn: (_details, message) => warnings.push(message), error: () => {} },
      ...options,
    }),
  );
  app.all('/api/echo/', (req, res) => {
    res.json({
      params: req.signedCall?.params,
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : null,
    });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, warnings };
}

function close(server: Server): void {
  server.closeAllConnections();
  server.close();
}

describe('requireSignedCall() and clients whose timestamps are coarse (Python 2, 10 ms)', () => {
  it('refuses by default the second of two identical calls as a replay', async () => {
    const { server, port } = await serve();
    try {
      const path = python2Call('/api/echo/', 'a=1');
      assert.equal((await send(port, 'GET', path)).status, 200);
      assert.deepEqual(await send(port, 'GET', path), { status: 403, body: '{"error": "replayed request"}' });
    } finally {
      close(server);
    }
  });

  it('accepts identical calls within identicalCalls.acceptWithinMs, and warns once at start', async () => {
    const { server, port, warnings } = await serve({ identicalCalls: { acceptWithinMs: 1000 } });
    try {
      const path = python2Call('/api/echo/', 'a=1');
      const answers = await Promise.all([send(port, 'GET', path), send(port, 'GET', path)]);
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [200, 200],
      );
      assert.equal(warnings.filter((message) => /identical signed calls/.test(message)).length, 1);
    } finally {
      close(server);
    }
  });
});

describe('requireSignedCall() and blank values', () => {
  it('verifies `e=&f=1` over `f=1`, as the original server, and hands the app only `f`', async () => {
    const { server, port } = await serve();
    try {
      const [message, signature] = python2Call('/api/echo/', 'f=1').split('&signature=') as [string, string];
      const answer = await send(port, 'GET', `${message.replace('?', '?e=&')}&signature=${signature}&g`);
      assert.equal(answer.status, 200, answer.body);
      const { params } = JSON.parse(answer.body) as { params: [string, string][] };
      assert.deepEqual(
        params.map(([name]) => name),
        ['f', 'timestamp', 'apikey'],
      );
    } finally {
      close(server);
    }
  });
});

describe('requireSignedCall() and a body without Content-Length (chunked)', () => {
  let server: Server;
  let port: number;
  before(async () => {
    ({ server, port } = await serve());
  });
  after(() => close(server));

  it('answers 411 to chunked body bytes, however signed, and the app never sees them', async () => {
    const body = '{"amount": 500}';
    const overUrl = python2Call('/api/echo/', 'a=1');
    const overUrlAndBody = python2Call('/api/echo/', 'a=2', body);
    for (const path of [overUrl, overUrlAndBody]) {
      const answer = await send(port, 'POST', path, body, { chunked: true });
      assert.deepEqual(answer, { status: 411, body: '{"error": "content-length required"}' });
    }
  });

  it('verifies an empty chunked body over the URL alone, as the original server', async () => {
    const answer = await send(port, 'POST', python2Call('/api/echo/', 'a=3'), '', { chunked: true });
    assert.equal(answer.status, 200, answer.body);
    assert.equal((JSON.parse(answer.body) as { body: string }).body, '');
  });

  it('still verifies a body sent with Content-Length', async () => {
    const body = '{"amount": 5}';
    const answer = await send(port, 'POST', python2Call('/api/echo/', 'a=4', body), body);
    assert.equal(answer.status, 200, answer.body);
    assert.equal((JSON.parse(answer.body) as { body: string }).body, body);
  });
});
