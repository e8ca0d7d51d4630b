import type { RequestHandler } from 'express';
import { sendError, wantsJson } from './express-responses.ts';

/**
 * Lets signed-in requests through. Pages go to the sign-in route with `?next=` (back here
 * after sign-in); API calls (`Accept: application/json`) get a 401 JSON; when the session
 * store is down, a 503. Needs `ssoClient()` mounted before it.
 */
export function requireLogin(): RequestHandler {
  return (req, res, next) => {
    if (req.user !== undefined) {
      next();
      return;
    }
    const sso = req.sso;
    if (sso === undefined) {
      next(new Error('requireLogin() needs app.use(ssoClient(...)) mounted before it'));
      return;
    }
    if (sso.error !== undefined) {
      sendError(req, res, sso.error, { logger: sso.client.logger });
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (wantsJson(req)) {
      res.status(401).json({ error: 'LOGIN_REQUIRED', message: 'sign-in required' });
      return;
    }
    res.status(302).setHeader('Location', `${sso.loginPath}?next=${encodeURIComponent(req.originalUrl)}`);
    res.end();
  };
}
