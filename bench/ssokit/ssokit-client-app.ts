import express, { type Express } from 'express';
import { requireLogin, ssoClient } from 'ssokit/express';
import { benchLogger } from './bench-logger.ts';
import type { ClientStores } from './client-stores.ts';
import { BENCH_API_KEY, BENCH_SECRET } from './ssokit-provider.ts';

export const CLIENT_LOGIN_PATH = '/accounts/login/';

/**
 * A client app as the README shows it: `ssoClient()` mounted at the root, `GET /me` behind
 * `requireLogin()` answering the same JSON as the no-auth baseline.
 */
export function createBenchClientApp(
  providerUrl: string,
  stores: ClientStores,
  /** The deadline of the calls to the provider. @default the client's (5 s) */
  timeoutMs?: number,
): Express {
  const app = express();
  app.use(
    ssoClient({
      providerUrl,
      apiKey: BENCH_API_KEY,
      secretKey: BENCH_SECRET,
      sessionStore: stores.sessionStore,
      userStore: stores.userStore,
      ...(stores.readCache === false ? { readCache: false } : {}),
      logger: benchLogger('ssokit-client'),
      loginPath: CLIENT_LOGIN_PATH,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }),
  );
  app.get('/me', requireLogin(), (req, res) => {
    const user = req.user as { username: string; email?: unknown };
    res.json({ username: user.username, email: user.email });
  });
  return app;
}
