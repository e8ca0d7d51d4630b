import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { createClient } from 'redis';
import { type BenchUser, benchUser } from './bench-user.ts';
import type { RouteScenario } from './route-scenario.ts';

/** What an Express user would pick instead: express-session + passport, store given. */
function passportScenario(
  name: string,
  makeStore: () => Promise<{ store?: session.Store; close(): Promise<void> }>,
) {
  return {
    name,
    async setup() {
      const { store, close } = await makeStore();
      const users = new Map([[benchUser.id, benchUser]]);
      const app = express();
      app.use(
        session({
          secret: 'bench-session-secret-0123456789',
          resave: false,
          saveUninitialized: false,
          ...(store ? { store } : {}),
        }),
      );
      // `Express.User` is ssokit's user in this program (its Express adapter declares it), so
      // passport's side goes through `unknown`: at run time passport only sees BenchUser.
      passport.serializeUser<number>((user, done) => done(null, (user as unknown as BenchUser).id));
      passport.deserializeUser<number>((id, done) =>
        done(null, (users.get(id) ?? false) as unknown as Express.User),
      );
      app.use(passport.session());
      app.post('/login', (req, res, next) => {
        req.login(benchUser as unknown as Express.User, (error) =>
          error ? next(error) : res.json({ ok: true }),
        );
      });
      app.get('/me', (req, res) => {
        const user = req.user as unknown as BenchUser | undefined;
        if (!user) {
          res.status(401).json({ error: 'not logged in' });
          return;
        }
        res.json({ username: user.username, email: user.email });
      });
      return {
        app,
        async login(baseUrl: string) {
          const response = await fetch(`${baseUrl}/login`, { method: 'POST' });
          return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        },
        close,
      };
    },
  } satisfies RouteScenario;
}

export const passportMemoryScenario = passportScenario('passport-memory', async () => ({
  close: async () => {},
}));

export const passportRedisScenario = passportScenario('passport-redis', async () => {
  const prefix = `bench-sess-${process.pid}:`;
  const client = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  await client.connect();
  return {
    store: new RedisStore({ client, prefix }),
    async close() {
      // The run's sessions go with it (connect-redis would keep them for a day).
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
        if (keys.length > 0) await client.unlink(keys);
      }
      await client.quit();
    },
  };
});
