// Child process: serves one scenario's `GET /me` on 127.0.0.1 and reports its own CPU time on request.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleProfileMessage } from '../lib/child-server.ts';
import type { RouteScenarioOptions } from './route-scenario.ts';
import { routeScenarios } from './route-scenarios.ts';

const name = process.argv[2] ?? '';
const loadScenario = routeScenarios[name];
if (loadScenario === undefined) throw new Error(`unknown route scenario "${name}"`);
const scenario = await loadScenario();

const options = JSON.parse(process.argv[3] ?? '{}') as RouteScenarioOptions;
const { app, login, close } = await scenario.setup(options);
const server = createServer(app).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const cookie = await login(baseUrl);
const check = await fetch(`${baseUrl}/me`, { headers: cookie ? { cookie } : {} });
if (check.status !== 200) throw new Error(`scenario ${name}: GET /me answered ${check.status} after login`);

process.on('message', async (message: { type: string; path?: string }) => {
  if (message.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
  if (message.type.startsWith('profile-')) await handleProfileMessage(message);
});
const shutdown = async () => {
  // The scenario cleans up first: it may still need its server (ssokit logs out over HTTP).
  await close().catch((error: unknown) => console.error(`scenario ${name}: cleanup failed`, error));
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
// The bench process is gone: no server of ours outlives it.
process.on('disconnect', shutdown);
process.send?.({ type: 'ready', url: `${baseUrl}/me`, cookie });
