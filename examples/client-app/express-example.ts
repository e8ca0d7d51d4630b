import type { Server } from 'node:http';
import express from 'express';
import { ssoClient } from 'ssokit/express';
import type { ExampleSetup } from './example-app.ts';
import { homeAnswer, wrongHostPage } from './home-page.ts';

export async function startExpressExample(
  setup: ExampleSetup,
): Promise<{ server: Server; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    if (setup.isBoundHost(req.get('host'))) return next();
    res.status(421).type('html').send(wrongHostPage(setup.boundOrigin));
  });
  const sso = ssoClient(setup.config);
  app.use(sso);
  app.get('/', (req, res) => {
    const home = homeAnswer(sso.client.settings.providerUrl, req.user, req.sso);
    res.status(home.status).type('html').send(home.html);
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(setup.port, setup.host as string, () => resolve(listening));
    listening.once('error', reject);
  });
  return {
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sso.client.close();
    },
  };
}
