import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { requireLogin, type SsoEnv, ssoClient } from '../../src/hono/index.ts';
import type { TestApp, TestAppConfig } from '../test-app.ts';
import { closeServer, listeningUrl } from './listening-url.ts';

export async function startHonoTestApp(config: TestAppConfig): Promise<TestApp> {
  const sso = ssoClient(config);
  const app = new Hono<SsoEnv>();
  app.use(sso);
  app.get('/', (c) => {
    const user = c.get('user');
    return c.text(user ? `hello ${user.username}` : 'anonymous');
  });
  app.get('/me', (c) => c.json(c.get('user') ?? null));
  app.get('/private', requireLogin(), (c) => {
    const user = c.get('user');
    return c.text(`private page of ${user?.username} <${String(user?.email)}>`);
  });
  app.get('/api/data', requireLogin(), (c) => c.json({ for: c.get('user')?.username }));
  const server = serve({ fetch: app.fetch, port: 0 });
  return {
    ...(await listeningUrl(server as import('node:http').Server)),
    client: sso.client,
    async close() {
      await closeServer(server as import('node:http').Server);
      await sso.client.close();
    },
  };
}
