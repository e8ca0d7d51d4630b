import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { nodeHttpTransport } from './http-transport.ts';

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
