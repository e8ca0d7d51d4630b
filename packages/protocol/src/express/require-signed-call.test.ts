import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { type ApiKeyRecord, staticApiKeySource } from '../api-key-source.ts';
import { signRequest } from '../request-signer.ts';
import { requireSignedCall } from './require-signed-call.ts';

const KEY: ApiKeyRecord = {
  apiKey: 'k1',
  secrets: ['secret-one-0123456789'],
  allowedEndpoints: ['/sso/*', '/api/*', '/open/*'],
  userId: 'u-42',
};
const SECRET = KEY.secrets[0] as string;

interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Sends the path exactly as given (fetch would re-encode some malformed URLs). */
function send(
  port: number,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
) {
  return new Promise<RawAnswer>((resolve, reject) => {
    // With its length, as clients send a body (a chunked one is verified over the URL alone).
    const withLength =
      body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers };
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: withLength }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function sign(path: string, options: { body?: string; secret?: string } = {}): string {
  return signRequest({
    apiKey: KEY.apiKey,
    secretKey: options.secret ?? SECRET,
    path,
    ...(options.body === undefined ? {} : { body: options.body }),
  }).pathWithQuery;
}

async function listen(app: express.Express): Promise<{ server: Server; port: number }> {
  // A large header limit lets a 100 kB query reach the middleware, whose own limit must answer.
  const server = createServer({ maxHeaderSize: 256 * 1024 }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('requireSignedCall() over real HTTP', () => {
  const logged: { level: string; details: object; message: string }[] = [];
  let server: Server;
  let port: number;

  before(async () => {
    const app = express();
    const logger = {
      warn: (details: object, message: string) => logged.push({ level: 'warn', details, message }),
      error: (details: object, message: string) => logged.push({ level: 'error', details, message }),
    };
    app.use(
      requireSignedCall({
        apiKeys: staticApiKeySource([KEY]),
        logger,
        except: ['/health', '/open/*'],
        bodyLimit: 1024,
      }),
    );
    app.get('/health', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/open/page', (_req, res) => {
      res.json({ open: true });
    });
    const api = express.Router();
    api.get('/whoami/', (req, res) => {
      res.json({ userId: req.signedCall?.apiKey.userId, params: req.signedCall?.params });
    });
    api.post('/echo/', (req, res) => {
      res.json({ received: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : null });
    });
    app.use('/api', api);
    ({ server, port } = await listen(app));
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('lets a signed GET through a router and exposes the key and its user on req.signedCall', async () => {
    const answer = await send(port, 'GET', sign('/api/whoami/?x=1'));
    assert.equal(answer.status, 200);
    const json = JSON.parse(answer.body) as { userId: string; params: [string, string][] };
    assert.equal(json.userId, 'u-42');
    assert.deepEqual(json.params[0], ['x', '1']);
  });

  it('verifies a POST body of any content type and hands the raw bytes on', async () => {
    const body = '{"amount": 5}';
    const answer = await send(port, 'POST', sign('/api/echo/', { body }), body, {
      'content-type': 'application/json',
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { received: body });
  });

  it('refuses a POST whose body differs from the signed one', async () => {
    const answer = await send(port, 'POST', sign('/api/echo/', { body: 'a' }), 'b', {
      'content-type': 'text/plain',
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.body, '{"error": "signature error"}');
  });

  it('answers 413 JSON to a body over the limit', async () => {
    const body = 'x'.repeat(2048);
    const answer = await send(port, 'POST', sign('/api/echo/', { body }), body, {
      'content-type': 'text/plain',
    });
    assert.equal(answer.status, 413);
    assert.match(answer.contentType ?? '', /application\/json/);
    assert.equal(answer.body, '{"error": "request body too large"}');
  });

  it('lets paths listed in except through unsigned', async () => {
    assert.equal((await send(port, 'GET', '/health')).status, 200);
    assert.equal((await send(port, 'GET', '/open/page')).status, 200);
  });

  const refusals: [string, () => string, string][] = [
    ['an unsigned call', () => '/api/whoami/', 'parameter missing'],
    [
      'a stale call',
      () =>
        signRequest({ apiKey: 'k1', secretKey: SECRET, path: '/api/whoami/', timestamp: 1000 }).pathWithQuery,
      'time drift > 300 sec',
    ],
    [
      'an unknown key',
      () => signRequest({ apiKey: 'nope', secretKey: SECRET, path: '/api/whoami/' }).pathWithQuery,
      'entry point not allowed for the API key',
    ],
    [
      'a path outside the key’s endpoints',
      () => sign('/private/'),
      'entry point not allowed for the API key',
    ],
    ['a wrong secret', () => sign('/api/whoami/', { secret: 'wrong-secret-0123456789' }), 'signature error'],
  ];
  for (const [name, path, text] of refusals) {
    it(`answers 403 {"error": "${text}"} to ${name}, byte for byte as the original`, async () => {
      const answer = await send(port, 'GET', path());
      assert.equal(answer.status, 403);
      assert.match(answer.contentType ?? '', /^application\/json/);
      assert.equal(answer.body, `{"error": "${text}"}`);
    });
  }

  it('answers 403 to a replayed call', async () => {
    const path = sign('/api/whoami/?once=1');
    assert.equal((await send(port, 'GET', path)).status, 200);
    const again = await send(port, 'GET', path);
    assert.equal(again.status, 403);
    assert.equal(again.body, '{"error": "replayed request"}');
  });

  it('logs refusals without the query, the signature or the secret', () => {
    const text = JSON.stringify(logged);
    assert.ok(logged.some((entry) => entry.level === 'warn'));
    assert.ok(!text.includes(SECRET));
    assert.ok(!text.includes('signature='));
    assert.ok(!text.includes('timestamp='));
  });

  describe('malformed input: each a 4xx JSON error, and the server stays up', () => {
    const good = () => sign('/api/whoami/');
    const cases: [string, () => string][] = [
      ['a missing signature', () => good().replace(/&signature=.*$/, '')],
      ['an empty signature', () => good().replace(/&signature=.*$/, '&signature=')],
      ['an empty apikey', () => good().replace('apikey=k1', 'apikey=')],
      ['a parameter without "="', () => good().replace('apikey=k1', 'apikey')],
      ['a repeated apikey', () => `${good()}&apikey=k1`],
      ['a repeated timestamp', () => `${good()}&timestamp=1`],
      ['a repeated signature', () => `${good()}&signature=x`],
      ['a non-numeric timestamp', () => '/api/whoami/?timestamp=soon&apikey=k1&signature=x'],
      ['a NaN timestamp', () => '/api/whoami/?timestamp=NaN&apikey=k1&signature=x'],
      ['a huge timestamp', () => `/api/whoami/?timestamp=1${'0'.repeat(500)}&apikey=k1&signature=x`],
      ['a timestamp with an exponent', () => '/api/whoami/?timestamp=1e400&apikey=k1&signature=x'],
      ['a bad percent-escape', () => `${good()}&q=%G1`],
      ['a lone percent sign', () => `${good()}&q=%`],
      ['invalid UTF-8 (%C3%28)', () => `${good()}&q=%C3%28`],
      ['an overlong UTF-8 sequence', () => `${good()}&q=%C0%AF`],
      ['a bad escape in the signature', () => good().replace(/&signature=.*$/, '&signature=%ZZ')],
      ['a 100 kB query string', () => `${good()}&pad=${'a'.repeat(100_000)}`],
      ['only ampersands', () => '/api/whoami/?&&&&'],
    ];
    for (const [name, path] of cases) {
      it(`answers a 4xx JSON error to ${name}`, async () => {
        const answer = await send(port, 'GET', path());
        assert.ok(answer.status >= 400 && answer.status < 500, `status ${answer.status}`);
        assert.match(answer.contentType ?? '', /^application\/json/);
        assert.equal(typeof (JSON.parse(answer.body) as { error: unknown }).error, 'string');
      });
    }

    it('still serves a valid call afterwards', async () => {
      assert.equal((await send(port, 'GET', sign('/api/whoami/?after=1'))).status, 200);
    });
  });
});

describe('requireSignedCall() on a single route', () => {
  it('protects only that route, and refuses a body a JSON parser consumed first with a logged 500', async () => {
    const errors: string[] = [];
    const guard = requireSignedCall({
      apiKeys: staticApiKeySource([KEY]),
      logger: { warn: () => {}, error: (_details, message) => errors.push(message) },
    });
    const app = express();
    app.get('/public/', (_req, res) => {
      res.send('public');
    });
    app.get('/sso/reqeusttoken/', guard, (_req, res) => {
      res.json({ request_token: 't' });
    });
    app.post('/sso/parsed/', express.json(), guard, (_req, res) => {
      res.json({ ok: true });
    });
    const { server, port } = await listen(app);
    try {
      assert.equal((await send(port, 'GET', '/public/')).status, 200);
      assert.equal((await send(port, 'GET', '/sso/reqeusttoken/')).status, 403);
      assert.equal((await send(port, 'GET', sign('/sso/reqeusttoken/'))).status, 200);
      const body = '{"a":1}';
      const parsed = await send(port, 'POST', sign('/sso/parsed/', { body }), body, {
        'content-type': 'application/json',
      });
      assert.equal(parsed.status, 500);
      assert.match(errors.join('\n'), /mount body parsers after it/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
