import express from 'express';
import { requireLogin, ssoClient } from '../../src/express/index.ts';
import type { TestApp, TestAppConfig } from '../test-app.ts';
import { closeServer, listeningUrl } from './listening-url.ts';

export async function startExpressTestApp(config: TestAppConfig): Promise<TestApp> {
  const app = express();
  const router = ssoClient(config);
  app.use(router);
  app.get('/', (req, res) => {
    res.type('text').send(req.user ? `hello ${req.user.username}` : 'anonymous');
  });
  app.get('/me', (req, res) => {
    res.json(req.user ?? null);
  });
  app.get('/private', requireLogin(), (req, res) => {
    res.type('text').send(`private page of ${req.user?.username} <${String(req.user?.email)}>`);
  });
  app.get('/api/data', requireLogin(), (req, res) => {
    res.json({ for: req.user?.username });
  });
  // Dual-stack listen: "localhost" may resolve to ::1 or 127.0.0.1.
  const server = app.listen(0);
  return {
    ...(await listeningUrl(server)),
    client: router.client,
    async close() {
      await closeServer(server);
      await router.client.close();
    },
  };
}
