import { createServer, type RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import Fastify, { type FastifyInstance } from 'fastify';
import { Hono } from 'hono';
import { benchUser } from './bench-user.ts';
import type { RouteScenario } from './route-scenario.ts';

const me = () => ({ username: benchUser.username, email: benchUser.email });

/** A Fastify instance's request listener, for a server the bench itself listens with. */
export async function fastifyListener(
  build: (app: FastifyInstance) => Promise<void> | void,
): Promise<{ listener: RequestListener; close(): Promise<void> }> {
  let listener: RequestListener | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      listener = handler;
      return createServer(handler);
    },
  });
  await build(app);
  await app.ready();
  if (listener === undefined) throw new Error('fastify built no server');
  return { listener, close: () => app.close() };
}

/** Fastify 5 without authentication: the baseline of the ssokit/fastify scenario. */
export const noAuthFastifyScenario: RouteScenario = {
  name: 'no-auth-fastify',
  async setup() {
    const { listener, close } = await fastifyListener((app) => {
      app.get('/me', async () => me());
    });
    return { app: listener, login: async () => '', close };
  },
};

/** Hono 4 on @hono/node-server without authentication: the baseline of ssokit/hono. */
export const noAuthHonoScenario: RouteScenario = {
  name: 'no-auth-hono',
  async setup() {
    const app = new Hono();
    app.get('/me', (c) => c.json(me()));
    return { app: getRequestListener(app.fetch), login: async () => '', close: async () => {} };
  },
};

/**
 * The same with the two middlewares an authenticated Hono route has (one app-wide, one on the
 * route) passing every request on: what Hono's compose costs whatever the middlewares do, for
 * reading ssokit/hono's figure (not a goal's baseline).
 */
export const passThroughHonoScenario: RouteScenario = {
  name: 'pass-through-hono',
  async setup() {
    const app = new Hono();
    app.use((_c, next) => next());
    app.get(
      '/me',
      (_c, next) => next(),
      (c) => c.json(me()),
    );
    return { app: getRequestListener(app.fetch), login: async () => '', close: async () => {} };
  },
};

/** A bare fetch handler on @hono/node-server without authentication: the baseline of ssokit/fetch. */
export const noAuthFetchScenario: RouteScenario = {
  name: 'no-auth-fetch',
  async setup() {
    const handler = (request: Request) =>
      new URL(request.url).pathname === '/me'
        ? Response.json(me())
        : new Response('Not Found', { status: 404 });
    return { app: getRequestListener(handler), login: async () => '', close: async () => {} };
  },
};
