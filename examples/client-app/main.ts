// `npm run demo:client`: the example app alone, pointed at any dj-sso provider by
// SSOKIT_URL, SSOKIT_APIKEY and SSOKIT_SECKEY (read by the ssokit client), on PORT, through
// the adapter named by FRAMEWORK (express, fastify, hono or fetch; default express).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFramework, startExampleApp } from './example-app.ts';

let framework: ReturnType<typeof parseFramework>;
try {
  framework = parseFramework(process.env.FRAMEWORK);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8000);
const boundOrigin = process.env.SSOKIT_APP_URL ?? `http://localhost:${port}`;
// The users' SQLite file goes to the data folder, as `npm run demo` does, not the current folder.
const dataDir = process.env.SSOKIT_DATA_DIR ?? '.ssokit';
mkdirSync(dataDir, { recursive: true });
const example = await startExampleApp({
  framework,
  port,
  boundOrigin,
  database: `sqlite:${join(dataDir, 'client-app.sqlite')}`,
});
console.log(
  `example client (${framework}) on ${boundOrigin}/ (signing in at ${process.env.SSOKIT_URL ?? '?'}); Ctrl+C stops it`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void example.close().finally(() => process.exit(0));
  });
}
