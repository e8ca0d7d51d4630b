import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { staticApiKeySource } from '@ssokit/protocol';
import { requireSignedCall } from '@ssokit/protocol/express';
import express from 'express';
import type { CliIo } from '../command.ts';
import { main } from '../main.ts';

const SECRET = 'cli-secret-0123456789abcdef';

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('ssokit request against a server protected by requireSignedCall()', () => {
  let server: Server;
  let base: string;

  before(async () => {
    const app = express();
    app.use(
      requireSignedCall({
        apiKeys: staticApiKeySource([
          { apiKey: 'cli', secrets: [SECRET], allowedEndpoints: ['/api/*'], userId: 3 },
        ]),
      }),
    );
    app.get('/api/hello/', (req, res) => {
      res.json({ user: req.signedCall?.apiKey.userId, name: req.query.name });
    });
    app.post('/api/echo/', (req, res) => {
      res.json({ echo: (req.body as Buffer).toString('utf8') });
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('makes a signed GET and prints the status line and the body', async () => {
    const io = captureIo();
    const code = await main(
      ['request', '--apikey', 'cli', '--seckey', SECRET, `${base}/api/hello/?name=Zo%C3%AB`],
      io,
    );
    assert.equal(code, 0, io.stderr.join('\n'));
    assert.equal(io.stdout[0], 'HTTP 200 OK');
    assert.deepEqual(JSON.parse(io.stdout[1] ?? ''), { user: 3, name: 'Zoë' });
  });

  it('makes a signed POST with --data', async () => {
    const io = captureIo();
    const code = await main(
      ['request', '--apikey', 'cli', '--seckey', SECRET, '--data', 'a=1&b=2', `${base}/api/echo/`],
      io,
    );
    assert.equal(code, 0, io.stderr.join('\n'));
    assert.deepEqual(JSON.parse(io.stdout[1] ?? ''), { echo: 'a=1&b=2' });
  });

  it('prints a refusal with its status and exits 1', async () => {
    const io = captureIo();
    const code = await main(
      ['request', '--apikey', 'cli', '--seckey', 'wrong-secret-0123456789', `${base}/api/hello/`],
      io,
    );
    assert.equal(code, 1);
    assert.deepEqual(io.stdout, ['HTTP 403 Forbidden', '{"error": "signature error"}']);
  });

  it('reports a server that is down without the secret or the signed query, and exits 1', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise((resolve) => down.close(resolve));
    const io = captureIo();
    const code = await main(
      ['request', '--apikey', 'cli', '--seckey', SECRET, `http://127.0.0.1:${port}/api/x/`],
      io,
    );
    assert.equal(code, 1);
    const text = io.stderr.join('\n');
    assert.match(text, /ECONNREFUSED/);
    assert.ok(!text.includes(SECRET) && !text.includes('signature='));
  });

  it('exits 2 with the usage for a relative URL', async () => {
    const io = captureIo();
    assert.equal(await main(['request', '--apikey', 'cli', '--seckey', SECRET, '/api/hello/'], io), 2);
    assert.match(io.stderr.join('\n'), /Usage: ssokit request/);
  });
});
