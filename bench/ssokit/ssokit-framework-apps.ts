import type { RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { SsoClientConfig } from 'ssokit';
import { requireLogin as fastifyRequireLogin, ssoClient as fastifySsoClient } from 'ssokit/fastify';
import { ssoFetch } from 'ssokit/fetch';
import { requireLogin as honoRequireLogin, ssoClient as honoSsoClient } from 'ssokit/hono';
import { fastifyListener } from '../route/framework-no-auth-scenarios.ts';
import { benchLogger } from './bench-logger.ts';
import type { ClientStores } from './client-stores.ts';
import { CLIENT_LOGIN_PATH, createBenchClientApp } from './ssokit-client-app.ts';
import { BENCH_API_KEY, BENCH_SECRET } from './ssokit-provider.ts';

export type BenchFramework = 'express' | 'fastify' | 'hono' | 'fetch';

/**
 * The bench client app (`GET /me` behind requireLogin, the no-auth JSON) through one adapter,
 * as a Node request listener. Closing the client stays with the caller's stores.
 */
export async function createBenchClientListener(
  framework: BenchFramework,
  providerUrl: string,
  stores: ClientStores,
  /** The deadline of the calls to the provider. @default the client's (5 s) */
  timeoutMs?: number,
): Promise<{ listener: RequestListener; close(): Promise<void> }> {
  if (framework === 'express')
    return { listener: createBenchClientApp(providerUrl, stores, timeoutMs), close: async () => {} };
  const config: SsoClientConfig & { loginPath: string } = {
    providerUrl,
    apiKey: BENCH_API_KEY,
    secretKey: BENCH_SECRET,
    sessionStore: stores.sessionStore,
    userStore: stores.userStore,
    logger: benchLogger('ssokit-client'),
    loginPath: CLIENT_LOGIN_PATH,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
  const me = (user: { username: string; email?: unknown } | undefined) => ({
    username: user?.username,
    email: user?.email,
  });
  if (framework === 'fastify') {
    return fastifyListener(async (app) => {
      await app.register(fastifySsoClient, config);
      app.get('/me', { preHandler: fastifyRequireLogin() }, async (request) => me(request.user));
    });
  }
  if (framework === 'hono') {
    const app = new Hono();
    const sso = honoSsoClient(config);
    app.use(sso);
    app.get('/me', honoRequireLogin(), (c) => c.json(me(c.get('user'))));
    return { listener: getRequestListener(app.fetch), close: () => sso.client.close() };
  }
  const sso = ssoFetch(config);
  const handler = sso.wrap(
    async (request, context) => (await sso.requireLogin(request, context)) ?? Response.json(me(context.user)),
  );
  return { listener: getRequestListener(handler), close: () => sso.client.close() };
}
