import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { API_KEY, SECRET_KEY, transcriptUsers } from './fixtures.ts';
import { type OriginalDjSsoServer, startOriginalDjSsoServer } from './original-dj-sso-server.ts';
import { FRAMEWORKS, memoryLogger, signInAtProvider, startTestApp, type TestApp } from './test-app.ts';
import { TestBrowser } from './test-browser.ts';

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

async function listen(server: Server | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const framework of FRAMEWORKS) {
  describe(`a provider that is down, slow or wrong gives a clear page, never a crash (${framework})`, () => {
    const apps: TestApp[] = [];
    const closers: (() => Promise<unknown>)[] = [];
    const start = async (providerUrl: string, extra: Record<string, unknown> = {}) => {
      const logger = memoryLogger();
      const app = await startTestApp(
        {
          providerUrl,
          apiKey: API_KEY,
          secretKey: SECRET_KEY,
          database: 'sqlite::memory:',
          logger,
          ...extra,
        },
        framework,
      );
      apps.push(app);
      return { app, logger };
    };
    after(async () => {
      for (const app of apps) await app.close();
      for (const close of closers) await close();
      assert.deepEqual(unhandled, [], 'a promise rejection went unhandled');
    });

    it('answers 502 when nothing listens at the provider address', async () => {
      const { app, logger } = await start(`http://127.0.0.1:${await closedPort()}`);
      const answer = await new TestBrowser().request(`${app.url}/accounts/login/`);
      assert.equal(answer.status, 502);
      assert.match(answer.body, /<h1>Sign-in service unavailable<\/h1>/);
      assert.ok(
        logger.lines.some((line) => line.level === 'warn' && /request token/.test(line.message ?? '')),
      );
    });

    it('answers 504 within the time limit when the provider accepts but never answers', async () => {
      const sockets = new Set<Socket>();
      const silent = createTcpServer((socket) => sockets.add(socket));
      const port = await listen(silent);
      closers.push(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      });
      const { app } = await start(`http://127.0.0.1:${port}`, { timeoutMs: 200 });
      const answer = await new TestBrowser().request(`${app.url}/accounts/login/`);
      assert.equal(answer.status, 504);
      assert.match(answer.body, /Sign-in service did not answer/);
    });

    describe('with the original provider', () => {
      let provider: OriginalDjSsoServer;
      before(async () => {
        const users = [
          ...transcriptUsers(),
          { id: 9, username: 'x'.repeat(51), password: 'long', email: 'long@example.com' },
        ];
        provider = await startOriginalDjSsoServer({ apiKey: API_KEY, secretKey: SECRET_KEY, users });
        closers.push(() => provider.close());
      });

      it('answers 502 and logs the provider reason, not the secret, when the provider refuses our credentials', async () => {
        const { app, logger } = await start(provider.url, { secretKey: 'a-wrong-secret-of-32-characters!' });
        provider.bindHost(app.host);
        const answer = await new TestBrowser().request(`${app.url}/accounts/login/`);
        assert.equal(answer.status, 502);
        assert.match(answer.body, /refused this site/);
        const logged = JSON.stringify(logger.lines);
        assert.match(logged, /signature error/);
        assert.doesNotMatch(logged, /a-wrong-secret|6a4eeaea/);
      });

      it('answers 502 with the reason when the provider sends a username over 50 characters', async () => {
        const { app } = await start(provider.url);
        provider.bindHost(app.host);
        const browser = new TestBrowser();
        const { callback } = await signInAtProvider(browser, app, {
          username: 'x'.repeat(51),
          password: 'long',
        });
        const answer = await browser.request(callback.location ?? '');
        assert.equal(answer.status, 502);
        assert.match(answer.body, /username is longer than 50 characters/);
      });

      it('answers 504 at the callback when authtoken/ never answers, and logs no token', async () => {
        const { app, logger } = await start(provider.url, { timeoutMs: 200 });
        provider.bindHost(app.host);
        const browser = new TestBrowser();
        const { callback } = await signInAtProvider(browser, app, { username: 'user1', password: '123' });
        provider.stall('authtoken/');
        const answer = await browser.request(callback.location ?? '');
        assert.equal(answer.status, 504);
        const requestToken = new URL(callback.location ?? '').searchParams.get('request_token') ?? 'missing';
        assert.doesNotMatch(JSON.stringify(logger.lines), new RegExp(requestToken));
      });
    });

    it('answers 502 when the provider answers something that is not the protocol', async () => {
      const wrong = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      });
      const port = await listen(wrong);
      closers.push(() => new Promise((resolve) => wrong.close(resolve)));
      const { app } = await start(`http://127.0.0.1:${port}`);
      const answer = await new TestBrowser().request(`${app.url}/accounts/login/`);
      assert.equal(answer.status, 502);
    });

    it('answers 502 and hangs up when the provider streams an answer without end', async () => {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let written = 0;
      let hangUp: () => void = () => {};
      const hungUp = new Promise<void>((resolve) => {
        hangUp = resolve;
      });
      const broken = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.on('close', () => hangUp());
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) written += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      });
      const port = await listen(broken);
      closers.push(() => {
        broken.closeAllConnections();
        return new Promise((resolve) => broken.close(resolve));
      });
      const { app, logger } = await start(`http://127.0.0.1:${port}`);
      const answer = await new TestBrowser().request(`${app.url}/accounts/login/`);
      assert.equal(answer.status, 502);
      assert.match(answer.body, /<h1>Sign-in service unavailable<\/h1>/);
      await hungUp;
      assert.ok(written < 64 * 1024 * 1024, `${written} bytes written`);
      assert.match(JSON.stringify(logger.lines), /PROVIDER_RESPONSE_TOO_LARGE|more than 262144 bytes/);
    });

    it('answers 502 to an answer over maxResponseBytes, and reads one within it', async () => {
      const padded = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"request_token": "${'a'.repeat(32)}", "pad": "${' '.repeat(200)}"}`);
      });
      const port = await listen(padded);
      closers.push(() => new Promise((resolve) => padded.close(resolve)));
      const small = await start(`http://127.0.0.1:${port}`, { maxResponseBytes: 100 });
      assert.equal((await new TestBrowser().request(`${small.app.url}/accounts/login/`)).status, 502);
      const enough = await start(`http://127.0.0.1:${port}`, { maxResponseBytes: 1000 });
      assert.equal((await new TestBrowser().request(`${enough.app.url}/accounts/login/`)).status, 302);
    });
  });
}
