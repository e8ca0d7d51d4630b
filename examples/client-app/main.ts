// `npm run demo:client`: the example app alone, pointed at any dj-sso provider by
// SSOKIT_URL, SSOKIT_APIKEY and SSOKIT_SECKEY (read by the ssokit client), on PORT.
import { createExampleApp } from './app.ts';

const port = Number(process.env.PORT ?? 8000);
const boundOrigin = process.env.SSOKIT_APP_URL ?? `http://localhost:${port}`;
const { app, close } = createExampleApp({ boundOrigin });
const server = app.listen(port, () => {
  console.log(
    `example client on ${boundOrigin}/ (signing in at ${process.env.SSOKIT_URL ?? '?'}); Ctrl+C stops it`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void close().finally(() => process.exit(0));
  });
}
