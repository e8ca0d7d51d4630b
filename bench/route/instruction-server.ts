// Child process run under valgrind: serves one route scenario's `GET /me` on 127.0.0.1 and
// sends `{ type: 'ready', url, cookie }` over IPC once its user is signed in.
import { createServer } from 'node:http';
import { listenOnLoopback, serveBenchChild } from '../lib/child-server.ts';
import { routeScenarios } from './route-scenarios.ts';

const name = process.argv[2] ?? '';
const loadScenario = routeScenarios[name];
if (loadScenario === undefined) throw new Error(`unknown route scenario "${name}"`);
const { app, login, close } = await (await loadScenario()).setup();
const server = createServer(app);
const baseUrl = await listenOnLoopback(server);
const cookie = await login(baseUrl);
serveBenchChild(
  server,
  () => close().catch((error: unknown) => console.error(`scenario ${name}: cleanup failed`, error)),
  { url: `${baseUrl}/me`, cookie },
);
