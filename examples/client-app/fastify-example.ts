import type { Server } from 'node:http';
import Fastify from 'fastify';
import { ssoClient } from 'ssokit/fastify';
import type { ExampleSetup } from './example-app.ts';
import { homeAnswer, wrongHostPage } from './home-page.ts';

export async function startFastifyExample(
  setup: ExampleSetup,
): Promise<{ server: Server; close(): Promise<void> }> {
  const app = Fastify({ forceCloseConnections: true });
  app.addHook('onRequest', async (request, reply) => {
    if (!setup.isBoundHost(request.headers.host)) {
      return reply.code(421).type('text/html').send(wrongHostPage(setup.boundOrigin));
    }
  });
  await app.register(ssoClient, setup.config);
  app.get('/', async (request, reply) => {
    const home = homeAnswer(app.ssoClient.settings.providerUrl, request.user, request.sso);
    return reply.code(home.status).type('text/html').send(home.html);
  });
  await app.listen({ port: setup.port, host: setup.host ?? '::' });
  return { server: app.server, close: () => app.close() };
}
