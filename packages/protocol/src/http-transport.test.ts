import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { fetchTransport, nodeHttpTransport } from './http-transport.ts';

async function serve(handler: (req: IncomingMessage, res: ServerResponse, requestOnSocket: number) => void) {
  const perSocket = new WeakMap<Socket, number>();
  let connections = 0;
  const server = createServer((req, res) => {
    const count = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, count);
    handler(req, res, count);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('nodeHttpTransport', () => {
  it('answers status, content type and body, sending a POST body with its length', async () => {
    const server = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            method: req.method,
            length: req.headers['content-length'],
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
    });
    try {
      const answer = await nodeHttpTransport()({
        method: 'POST',
        url: `${server.url}/x`,
        body: 'héllo',
        timeoutMs: 1000,
      });
      assert.equal(answer.status, 201);
      assert.equal(answer.contentType, 'application/json');
      assert.deepEqual(JSON.parse(answer.text), { method: 'POST', length: '6', body: 'héllo' });
    } finally {
      server.close();
    }
  });

  it('keeps one connection alive across consecutive calls', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    try {
      const transport = nodeHttpTransport();
      for (let call = 0; call < 5; call++) {
        const answer = await transport({ method: 'GET', url: `${server.url}/`, timeoutMs: 1000 });
        assert.equal(answer.status, 200);
      }
      assert.equal(server.connections(), 1);
    } finally {
      server.close();
    }
  });

  it('sends a call again on a new connection when the server dropped the kept-alive one', async () => {
    // The second request on a connection finds it closed, as when the server's idle timeout won the race.
    const server = await serve((req, res, requestOnSocket) => {
      if (requestOnSocket > 1) req.socket.destroy();
      else res.end(`{"call":"${req.url}"}`);
    });
    try {
      const transport = nodeHttpTransport();
      await transport({ method: 'GET', url: `${server.url}/first`, timeoutMs: 1000 });
      const answer = await transport({ method: 'GET', url: `${server.url}/second`, timeoutMs: 1000 });
      assert.equal(answer.text, '{"call":"/second"}');
      assert.equal(server.connections(), 2);
    } finally {
      server.close();
    }
  });

  it('rejects with a TimeoutError when the answer body stalls past the time allowed', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    try {
      await assert.rejects(nodeHttpTransport()({ method: 'GET', url: `${server.url}/`, timeoutMs: 50 }), {
        name: 'TimeoutError',
      });
    } finally {
      server.close();
    }
  });

  it('rejects with a coded error when the connection closes in the middle of the answer', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    try {
      await assert.rejects(nodeHttpTransport()({ method: 'GET', url: `${server.url}/`, timeoutMs: 1000 }), {
        code: 'ECONNRESET',
      });
    } finally {
      server.close();
    }
  });
});

/** A broken provider: answers 200 and streams JSON-looking bytes until the client hangs up. */
async function serveForever() {
  let written = 0;
  let hangUp: () => void = () => {};
  const hungUp = new Promise<void>((resolve) => {
    hangUp = resolve;
  });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const server = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.on('close', () => hangUp());
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  return { ...server, written: () => written, hungUp };
}

for (const [name, transport] of [
  ['nodeHttpTransport', () => nodeHttpTransport()],
  ['fetchTransport', () => fetchTransport(fetch)],
] as const) {
  describe(`${name} caps what it reads of an answer`, () => {
    it('rejects an answer that streams forever once past maxResponseBytes, and hangs up', {
      timeout: 20_000,
    }, async () => {
      const server = await serveForever();
      try {
        await assert.rejects(
          transport()({
            method: 'GET',
            url: `${server.url}/`,
            timeoutMs: 3000,
            maxResponseBytes: 256 * 1024,
          }),
          { name: 'ResponseTooLargeError', code: 'RESPONSE_TOO_LARGE' },
        );
        // Bounded by the limit plus what the sockets buffer, far below the 1.9 GB once seen.
        assert.ok(server.written() < 64 * 1024 * 1024, `${server.written()} bytes written`);
        await server.hungUp;
      } finally {
        server.close();
      }
    });

    it('rejects an announced Content-Length over the limit, and reads one at the limit', async () => {
      const server = await serve((req, res) => {
        const size = req.url === '/big' ? 1001 : 1000;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(size) });
        res.end(`"${'a'.repeat(size - 2)}"`);
      });
      try {
        const call = (path: string) =>
          transport()({
            method: 'GET',
            url: `${server.url}${path}`,
            timeoutMs: 3000,
            maxResponseBytes: 1000,
          });
        await assert.rejects(call('/big'), { code: 'RESPONSE_TOO_LARGE' });
        assert.equal((await call('/fits')).text.length, 1000);
      } finally {
        server.close();
      }
    });
  });
}
