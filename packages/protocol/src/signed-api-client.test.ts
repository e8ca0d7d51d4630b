import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import { staticApiKeySource } from './api-key-source.ts';
import { SsoError } from './errors.ts';
import { requireSignedCall } from './express/require-signed-call.ts';
import { SignedApiClient } from './signed-api-client.ts';

const API_KEY = 'k1';
const SECRET = 'client-secret-0123456789abcdef';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

async function failure(call: Promise<unknown>): Promise<SsoError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof SsoError, `expected an SsoError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

function assertNoSecret(error: SsoError): void {
  const text = `${error.message} ${error.wireMessage} ${String(error.stack)} ${String(error.cause)}`;
  assert.ok(!text.includes(SECRET), 'the secret leaked into the error');
  assert.ok(!text.includes('signature='), 'the signed query leaked into the error');
}

function client(baseUrl: string, timeoutMs?: number) {
  return new SignedApiClient({
    baseUrl,
    apiKey: API_KEY,
    secretKey: SECRET,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

describe('SignedApiClient against requireSignedCall()', () => {
  it('makes signed GET and POST calls that verify, below the base URL path', async () => {
    const app = express();
    const records = [{ apiKey: API_KEY, secrets: [SECRET], allowedEndpoints: ['/base/sso/*'] }];
    app.use(requireSignedCall({ apiKeys: staticApiKeySource(records) }));
    app.get('/base/sso/reqeusttoken/', (req, res) => {
      res.json({ request_token: 'rt', params: req.signedCall?.params });
    });
    app.post('/base/sso/echo/', (req, res) => {
      res.json({ body: (req.body as Buffer).toString('utf8') });
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`;
    try {
      const got = await client(base).get<{ request_token: string; params: [string, string][] }>(
        '/sso/reqeusttoken/',
        [['q', 'a b/é']],
      );
      assert.equal(got.request_token, 'rt');
      assert.deepEqual(got.params[0], ['q', 'a b/é']);
      const posted = await client(base).post<{ body: string }>('/sso/echo/', 'hello ✓');
      assert.equal(posted.body, 'hello ✓');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('SignedApiClient', () => {
  it('sends the signature unescaped, as the original server requires', async () => {
    let url = '';
    const server = await serve((req, res) => {
      url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    try {
      await client(server.url).get('/sso/reqeusttoken/');
      assert.match(
        url,
        /^\/sso\/reqeusttoken\/\?timestamp=\d+(\.\d+)?&apikey=k1&signature=[A-Za-z0-9+/]{43}=$/,
      );
    } finally {
      server.close();
    }
  });

  it('reports a server that is down as PROVIDER_UNREACHABLE (502)', async () => {
    const server = await serve(() => {});
    server.close();
    await new Promise((resolve) => server.server.once('close', resolve));
    const error = await failure(client(server.url).get('/sso/reqeusttoken/'));
    assert.equal(error.code, 'PROVIDER_UNREACHABLE');
    assert.equal(error.status, 502);
    assert.match(error.message, /ECONNREFUSED/);
    assertNoSecret(error);
  });

  it('reports a server that does not answer in time as PROVIDER_TIMEOUT (504)', async () => {
    const server = await serve(() => {});
    try {
      const error = await failure(client(server.url, 50).get('/sso/reqeusttoken/'));
      assert.equal(error.code, 'PROVIDER_TIMEOUT');
      assert.equal(error.status, 504);
      assertNoSecret(error);
    } finally {
      server.close();
    }
  });

  it('stops reading an answer that streams forever and reports PROVIDER_RESPONSE_TOO_LARGE (502)', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"user": "');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    try {
      for (const limit of [undefined, 64 * 1024]) {
        const capped = new SignedApiClient({
          baseUrl: server.url,
          apiKey: API_KEY,
          secretKey: SECRET,
          timeoutMs: 20_000,
          ...(limit === undefined ? {} : { maxResponseBytes: limit }),
        });
        const error = await failure(capped.get('/sso/authtoken/'));
        assert.equal(error.code, 'PROVIDER_RESPONSE_TOO_LARGE');
        assert.equal(error.status, 502);
        assert.match(error.message, new RegExp(`more than ${limit ?? 256 * 1024} bytes`));
        assertNoSecret(error);
      }
      assert.ok(written < 64 * 1024 * 1024, `${written} bytes written`);
    } finally {
      server.close();
    }
  });

  it('reports a refusal as PROVIDER_REFUSED (502) with the server status and error text', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"error": "signature error"}');
    });
    try {
      const error = await failure(
        client(server.url).get('/sso/authtoken/', [['request_token', 'rt-5eb6f7c4']]),
      );
      assert.equal(error.code, 'PROVIDER_REFUSED');
      assert.equal(error.status, 502);
      assert.equal(error.providerStatus, 403);
      assert.equal(error.wireMessage, 'signature error');
      assert.ok(!error.message.includes('rt-5eb6f7c4'), 'the token leaked into the error');
      assertNoSecret(error);
    } finally {
      server.close();
    }
  });

  it('reports an HTML answer as PROVIDER_BAD_RESPONSE (502)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><p>maintenance</p>');
    });
    try {
      const error = await failure(client(server.url).get('/sso/reqeusttoken/'));
      assert.equal(error.code, 'PROVIDER_BAD_RESPONSE');
      assert.equal(error.status, 502);
      assertNoSecret(error);
    } finally {
      server.close();
    }
  });

  it('does not follow a redirect, which would carry the signed query elsewhere', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://evil.example/' });
      res.end();
    });
    try {
      const error = await failure(client(server.url).get('/sso/reqeusttoken/'));
      assert.equal(error.code, 'PROVIDER_BAD_RESPONSE');
    } finally {
      server.close();
    }
  });

  it('names the bad option at construction', () => {
    assert.throws(() => client('not a url'), /baseUrl/);
    assert.throws(() => client('ftp://x/'), /baseUrl/);
    assert.throws(
      () => new SignedApiClient({ baseUrl: 'http://x/', apiKey: 'k', secretKey: '' }),
      /secretKey/,
    );
    assert.throws(() => client('http://x/', 0), /timeoutMs/);
    assert.throws(
      () => new SignedApiClient({ baseUrl: 'http://x/', apiKey: 'k', secretKey: 's', maxResponseBytes: 0 }),
      /maxResponseBytes/,
    );
  });
});
