import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type SsoEnv, ssoClient } from 'ssokit/hono';
import type { ExampleSetup } from './example-app.ts';
import { homeAnswer, wrongHostPage } from './home-page.ts';
import { listenFetch } from './listen-fetch.ts';

export async function startHonoExample(
  setup: ExampleSetup,
): Promise<{ server: Server; close(): Promise<void> }> {
  const app = new Hono<SsoEnv>();
  app.use(async (c, next) => {
    if (!setup.isBoundHost(c.req.header('host'))) return c.html(wrongHostPage(setup.boundOrigin), 421);
    await next();
  });
  const sso = ssoClient(setup.config);
  app.use(sso);
  app.get('/', (c) => {
    const home = homeAnswer(sso.client.settings.providerUrl, c.get('user'), c.get('sso'));
    return c.html(home.html, home.status as 200);
  });
  return listenFetch(serve, app.fetch, setup, () => sso.client.close());
}
