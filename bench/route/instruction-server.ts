// Child process run under valgrind: serves one route scenario's `GET /me` on 127.0.0.1 and
// prints `READY <url> <cookie>` on stdout once its user is signed in.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeScenarios } from './route-scenarios.ts';

const name = process.argv[2] ?? '';
const loadScenario = routeScenarios[name];
if (loadScenario === undefined) throw new Error(`unknown route scenario "${name}"`);
const { app, login, close } = await (await loadScenario()).setup();
const server = createServer(app).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const cookie = await login(baseUrl);
process.stdout.write(`READY ${baseUrl}/me ${cookie}\n`);
process.on('SIGTERM', async () => {
  await close().catch((error: unknown) => console.error(`scenario ${name}: cleanup failed`, error));
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
