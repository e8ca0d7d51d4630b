import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { freePort } from '../../e2e/free-port.ts';
import { startDemo } from './start-demo.ts';

describe('startDemo()', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ssokit-demo-'));
  const logger = pino({ level: 'silent' });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('seeds idempotently: a second start on the same data reuses the accounts and the key', async () => {
    const ports = { providerPort: await freePort(), clientPort: await freePort() };
    for (let start = 0; start < 2; start++) {
      const demo = await startDemo({ ...ports, dataDir, logger });
      try {
        const login = await fetch(`${demo.clientUrl}/accounts/login/`, { redirect: 'manual' });
        assert.equal(login.status, 302, 'the client gets a request token with the seeded key');
        assert.ok(
          login.headers.get('location')?.startsWith(`${demo.providerUrl}/sso/login/?api_key=f4a05287&`),
        );
      } finally {
        await demo.close();
      }
    }
  });

  it('refuses to start when the stored key is bound to another client port, saying how to fix it', async () => {
    const moved = join(dataDir, 'moved');
    const ports = async () => ({ providerPort: await freePort(), clientPort: await freePort() });
    const demo = await startDemo({ ...(await ports()), dataDir: moved, logger });
    await demo.close();
    await assert.rejects(
      startDemo({ ...(await ports()), dataDir: moved, logger }),
      /bound to localhost:\d+; remove/,
    );
  });

  it('the client app sends visitors on another host to the host its key is bound to', async () => {
    const clientPort = await freePort();
    const demo = await startDemo({
      providerPort: await freePort(),
      clientPort,
      dataDir: join(dataDir, 'other'),
      logger,
    });
    try {
      const response = await fetch(`http://127.0.0.1:${clientPort}/`);
      assert.equal(response.status, 421);
      const body = await response.text();
      assert.match(body, new RegExp(`bound to <strong>http://localhost:${clientPort}</strong>`));
      assert.match(body, new RegExp(`href="http://localhost:${clientPort}/"`));
    } finally {
      await demo.close();
    }
  });
});
