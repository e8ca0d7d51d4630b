import express from 'express';
import { benchUser } from './bench-user.ts';
import type { RouteScenario } from './route-scenario.ts';

/** The same route with no authentication at all: the baseline every ratio is taken against. */
export const noAuthScenario: RouteScenario = {
  name: 'no-auth',
  async setup() {
    const app = express();
    app.get('/me', (_req, res) => {
      res.json({ username: benchUser.username, email: benchUser.email });
    });
    return { app, login: async () => '', close: async () => {} };
  },
};

/** Diagnostic: no-auth with one empty async middleware and one Router layer in front. */
export const noAuthAsyncScenario: RouteScenario = {
  name: 'no-auth-async',
  async setup() {
    const app = express();
    const router = express.Router();
    router.use(async (_req, _res, next) => {
      await Promise.resolve();
      next();
    });
    app.use(router);
    app.get('/me', (_req, res) => {
      res.json({ username: benchUser.username, email: benchUser.email });
    });
    return { app, login: async () => '', close: async () => {} };
  },
};
