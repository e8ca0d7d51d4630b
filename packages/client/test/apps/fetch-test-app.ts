import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ssoFetch } from '../../src/fetch/index.ts';
import type { TestApp, TestAppConfig } from '../test-app.ts';
import { closeServer, listeningUrl } from './listening-url.ts';

const text = (body: string) => new Response(body, { headers: { 'content-type': 'text/plain' } });
const json = (value: unknown) => Response.json(value);

/** A bare fetch app (as on Bun or Deno), served on Node through @hono/node-server. */
export async function startFetchTestApp(config: TestAppConfig): Promise<TestApp> {
  const sso = ssoFetch(config);
  const app = sso.wrap(async (request, context) => {
    const { user } = context;
    switch (new URL(request.url).pathname) {
      case '/':
        return text(user ? `hello ${user.username}` : 'anonymous');
      case '/me':
        return json(user ?? null);
      case '/private':
        return (
          (await sso.requireLogin(request, context)) ??
          text(`private page of ${user?.username} <${String(user?.email)}>`)
        );
      case '/api/data':
        return (await sso.requireLogin(request, context)) ?? json({ for: user?.username });
      default:
        return new Response('Not Found', { status: 404 });
    }
  });
  const server = serve({ fetch: app, port: 0 }) as Server;
  return {
    ...(await listeningUrl(server)),
    client: sso.client,
    async close() {
      await closeServer(server);
      await sso.client.close();
    },
  };
}
