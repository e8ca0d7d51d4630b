// A plain ESM Express app as a user writes it, with ssokit and a ssokit provider installed from
// their tarballs. Prints {"providerUrl", "clientUrl"} on one line once both listen; the test
// signs a user in through them.
import { ensureAccount, ensureClient, serveProvider, silentLogger } from '@ssokit/provider';
import express from 'express';
import { requireLogin, ssoClient } from 'ssokit/express';

const API_KEY = 'packedapp0000001';
const SECRET_KEY = 'a-secret-of-the-packed-app-test-0123456789';

const provider = await serveProvider({
  port: 0,
  database: 'sqlite:provider.sqlite',
  passwordHashing: { memoryCost: 1024, timeCost: 1 },
  logger: silentLogger,
});
await ensureAccount(provider.provider.accounts, {
  username: 'alice',
  password: 's3cret!',
  email: 'alice@example.com',
});

const app = express();
app.use(
  ssoClient({
    providerUrl: provider.url,
    apiKey: API_KEY,
    secretKey: SECRET_KEY,
    database: 'sqlite:client.sqlite',
    logger: silentLogger,
  }),
);
app.get('/', (req, res) => res.type('text').send(req.user ? `hello ${req.user.username}` : 'anonymous'));
app.get('/private', requireLogin(), (req, res) => res.type('text').send(`mail: ${req.user?.email}`));
// Dual-stack: "localhost" may resolve to ::1 or 127.0.0.1.
const server = app.listen(0, async () => {
  const { port } = server.address();
  const clientStore = provider.provider.clientStore;
  await ensureClient(clientStore, { apiKey: API_KEY, secret: SECRET_KEY, host: `localhost:${port}` });
  console.log(JSON.stringify({ providerUrl: provider.url, clientUrl: `http://localhost:${port}` }));
});

process.once('SIGTERM', () => {
  server.close();
  void provider.close().then(() => process.exit(0));
});
