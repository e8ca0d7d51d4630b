import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { staticApiKeySource } from '../src/api-key-source.ts';
import { requireSignedCall } from '../src/express/require-signed-call.ts';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./support/signing-process.ts', import.meta.url));

async function inChildProcess(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe('two client processes signing with one API key', () => {
  it('never give two calls the same timestamp, even on the same clock reading', async () => {
    const startMs = Date.now();
    const [first, second] = await Promise.all([
      inChildProcess('timestamps', '5000', String(startMs)),
      inChildProcess('timestamps', '5000', String(startMs)),
    ]);
    const all = [...first.trim().split('\n'), ...second.trim().split('\n')];
    assert.equal(all.length, 10_000);
    assert.equal(new Set(all).size, 10_000);
  });

  it('start 6,000 calls at once against a replay guard: no identical call, none refused', async () => {
    const received = new Map<string, number>();
    const app = express();
    app.use((req, _res, next) => {
      received.set(req.url, (received.get(req.url) ?? 0) + 1);
      next();
    });
    app.use(
      requireSignedCall({
        apiKeys: staticApiKeySource([
          { apiKey: 'k1', secrets: ['secret-one-0123456789'], allowedEndpoints: ['/api/*'] },
        ]),
      }),
    );
    app.get('/api/echo/', (_req, res) => {
      res.json({ ok: true });
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const outcomes = await Promise.all([
        inChildProcess('calls', baseUrl, '3000', '100'),
        inChildProcess('calls', baseUrl, '3000', '100'),
      ]);
      const [first, second] = outcomes.map((text) => JSON.parse(text) as Record<string, number>);
      assert.deepEqual(first, { 200: 3000 });
      assert.deepEqual(second, { 200: 3000 });
      assert.equal(received.size, 6000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
