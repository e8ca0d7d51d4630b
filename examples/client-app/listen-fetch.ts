import type { Server } from 'node:http';
import type { serve as Serve } from '@hono/node-server';
import type { ExampleSetup } from './example-app.ts';

/** Serves a fetch handler on Node (@hono/node-server) and resolves once it listens. */
export async function listenFetch(
  serve: typeof Serve,
  fetch: (request: Request) => Response | Promise<Response>,
  setup: ExampleSetup,
  closeClient: () => Promise<void>,
): Promise<{ server: Server; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve(
      { fetch, port: setup.port, ...(setup.host === undefined ? {} : { hostname: setup.host }) },
      () => resolve(started as Server),
    ) as Server;
    started.once('error', reject);
  });
  return {
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeClient();
    },
  };
}
