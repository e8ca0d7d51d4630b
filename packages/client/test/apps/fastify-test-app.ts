import Fastify from 'fastify';
import { requireLogin, ssoClient } from '../../src/fastify/index.ts';
import type { TestApp, TestAppConfig } from '../test-app.ts';
import { listeningUrl } from './listening-url.ts';

export async function startFastifyTestApp(config: TestAppConfig): Promise<TestApp> {
  const app = Fastify({ forceCloseConnections: true });
  await app.register(ssoClient, config);
  app.get('/', async (request, reply) =>
    reply.type('text/plain').send(request.user ? `hello ${request.user.username}` : 'anonymous'),
  );
  app.get('/me', async (request) => request.user ?? null);
  app.get('/private', { preHandler: requireLogin() }, async (request, reply) =>
    reply
      .type('text/plain')
      .send(`private page of ${request.user?.username} <${String(request.user?.email)}>`),
  );
  app.get('/api/data', { preHandler: requireLogin() }, async (request) => ({ for: request.user?.username }));
  await app.listen({ port: 0, host: '::' });
  return {
    ...(await listeningUrl(app.server)),
    client: app.ssoClient,
    close: () => app.close(),
  };
}
