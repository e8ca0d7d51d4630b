// One set of cases for the fastify, hono and fetch adapters of requireSignedCall (the Express
// one has its own, older file): each answers as the original, byte for byte.
import assert from 'node:assert/strict';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { type ApiKeyRecord, staticApiKeySource } from '../api-key-source.ts';
import { requireSignedCall as signedExpress } from '../express/index.ts';
import { requireSignedCall as signedFastify } from '../fastify/index.ts';
import { requireSignedCall as signedFetch } from '../fetch/index.ts';
import { type SignedCallEnv, requireSignedCall as signedHono } from '../hono/index.ts';
import { signRequest } from '../request-signer.ts';

const KEY: ApiKeyRecord = {
  apiKey: 'k1',
  secrets: ['secret-one-0123456789'],
  allowedEndpoints: ['/api/*'],
  userId: 'u-42',
};
const SECRET = KEY.secrets[0] as string;
const options = () => ({ apiKeys: staticApiKeySource([KEY]), except: ['/health'], bodyLimit: 1024 });

interface Running {
  port: number;
  close(): Promise<void>;
}

async function fastifyApp(): Promise<Running> {
  const app = Fastify();
  await app.register(async (api) => {
    await api.register(signedFastify, options());
    api.get('/health', async () => ({ ok: true }));
    api.get('/api/whoami/', async (request) => ({ userId: request.signedCall?.apiKey.userId }));
    api.post('/api/echo/', async (request) => ({
      received: Buffer.isBuffer(request.body) ? request.body.toString('utf8') : null,
    }));
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

async function listenFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<Running> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function honoApp(): Promise<Running> {
  const app = new Hono<SignedCallEnv>();
  app.use(signedHono(options()));
  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/api/whoami/', (c) => c.json({ userId: c.get('signedCall')?.apiKey.userId }));
  app.post('/api/echo/', async (c) => c.json({ received: await c.req.text() }));
  return listenFetch(app.fetch);
}

async function fetchApp(): Promise<Running> {
  const signed = signedFetch(options());
  return listenFetch(
    signed.wrap((request, { signedCall, body }) => {
      const path = new URL(request.url).pathname;
      if (path === '/health') return Response.json({ ok: true });
      if (path === '/api/whoami/') return Response.json({ userId: signedCall?.apiKey.userId });
      if (path === '/api/echo/') return Response.json({ received: new TextDecoder().decode(body) });
      return new Response('Not Found', { status: 404 });
    }),
  );
}

/** Sends the path exactly as given; `chunked` sends the body without Content-Length. */
function send(port: number, method: string, path: string, body?: string, chunked = false) {
  return new Promise<{ status: number; contentType: string | undefined; body: string }>((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (body !== undefined && !chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
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

const sign = (path: string, body?: string, secret = SECRET) =>
  signRequest({ apiKey: KEY.apiKey, secretKey: secret, path, ...(body === undefined ? {} : { body }) })
    .pathWithQuery;

const adapters: [string, () => Promise<Running>][] = [
  ['fastify', fastifyApp],
  ['hono', honoApp],
  ['fetch', fetchApp],
];

for (const [name, start] of adapters) {
  describe(`requireSignedCall through ${name}`, () => {
    let app: Running;
    before(async () => {
      app = await start();
    });
    after(() => app.close());

    it('lets a signed GET through and exposes the key and its user', async () => {
      const answer = await send(app.port, 'GET', sign('/api/whoami/?x=1'));
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { userId: 'u-42' });
    });

    it('verifies a JSON POST body and hands on the very bytes it covered', async () => {
      const body = '{"amount": 5}';
      const answer = await send(app.port, 'POST', sign('/api/echo/', body), body);
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { received: body });
    });

    it('refuses a POST whose body differs from the signed one', async () => {
      const answer = await send(app.port, 'POST', sign('/api/echo/', '"a"'), '"b"');
      assert.equal(answer.status, 403);
      assert.equal(answer.body, '{"error": "signature error"}');
    });

    it('answers 413 JSON to a body over the limit, with or without Content-Length', async () => {
      const body = JSON.stringify('x'.repeat(2048));
      for (const chunked of [false, true]) {
        const answer = await send(app.port, 'POST', sign('/api/echo/', body), body, chunked);
        assert.equal(answer.status, 413, chunked ? 'chunked' : 'with Content-Length');
        assert.match(answer.contentType ?? '', /application\/json/);
        assert.equal(answer.body, '{"error": "request body too large"}');
      }
    });

    it('lets an except path through unsigned and refuses an unsigned call as the original', async () => {
      assert.equal((await send(app.port, 'GET', '/health')).status, 200);
      const unsigned = await send(app.port, 'GET', '/api/whoami/');
      assert.equal(unsigned.status, 403);
      assert.equal(unsigned.body, '{"error": "parameter missing"}');
      const wrong = await send(app.port, 'GET', sign('/api/whoami/', undefined, 'wrong-secret-0123456789'));
      assert.equal(wrong.body, '{"error": "signature error"}');
    });
  });
}

describe('a weakened identicalCalls default', () => {
  /** Builds each of the four adapters with these options, as an app would at start. */
  async function buildAll(extra: object): Promise<void> {
    const app = Fastify();
    await app.register(signedFastify, { ...options(), ...extra });
    await app.ready();
    await app.close();
    signedHono({ ...options(), ...extra });
    signedFetch({ ...options(), ...extra });
    signedExpress({ ...options(), ...extra });
  }

  it('is said once at start by every adapter, to its logger; the default says nothing', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_details: object, message: string) => warnings.push(message), error: () => {} };
    await buildAll({ logger });
    assert.deepEqual(warnings, []);
    await buildAll({ logger, identicalCalls: 'accept' });
    assert.equal(warnings.length, 4);
    for (const warning of warnings)
      assert.match(warning, /^requireSignedCall\(\): identical signed calls are accepted/);
  });

  it('is a process warning without a logger', async () => {
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
    signedHono({ ...options(), identicalCalls: { acceptWithinMs: 500 } });
    assert.match((await warned).message, /accepted within 500 ms of the first/);
  });
});
