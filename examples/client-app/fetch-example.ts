import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ssoFetch } from 'ssokit/fetch';
import type { ExampleSetup } from './example-app.ts';
import { homeAnswer, wrongHostPage } from './home-page.ts';
import { listenFetch } from './listen-fetch.ts';

const html = (body: string, status: number) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });

/** A bare fetch app (Bun, Deno, Next.js route handlers), served on Node by @hono/node-server. */
export async function startFetchExample(
  setup: ExampleSetup,
): Promise<{ server: Server; close(): Promise<void> }> {
  const sso = ssoFetch(setup.config);
  const app = sso.wrap((request, { user, sso: context }) => {
    if (new URL(request.url).pathname !== '/') return html('<h1>Not Found</h1>', 404);
    const home = homeAnswer(sso.client.settings.providerUrl, user, context);
    return html(home.html, home.status);
  });
  const bound = (request: Request) =>
    setup.isBoundHost(request.headers.get('host') ?? undefined)
      ? app(request)
      : html(wrongHostPage(setup.boundOrigin), 421);
  return listenFetch(serve, bound, setup, () => sso.client.close());
}
