import type { RequestHandler } from 'express';
import { sendAnswer } from './express-responses.ts';

/**
 * Lets signed-in requests through. Pages go to the sign-in route with `?next=` (back here
 * after sign-in); API calls (`Accept: application/json`) get a 401 JSON; when the session
 * store is down, a 503. Needs `ssoClient()` mounted before it.
 */
export function requireLogin(): RequestHandler {
  return (req, res, next) => {
    const sso = req.sso;
    if (sso === undefined) {
      next(new Error('requireLogin() needs app.use(ssoClient(...)) mounted before it'));
      return;
    }
    const { answer } = sso.handler.requireLogin(
      { user: req.user, error: sso.error },
      { url: req.originalUrl, headers: req.headers },
    );
    if (answer === undefined) next();
    else sendAnswer(res, answer);
  };
}
