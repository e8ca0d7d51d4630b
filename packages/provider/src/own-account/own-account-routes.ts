import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Provider } from '../create-provider.ts';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.ts';
import { formBody } from '../http/form-body.ts';
import { cookiesSecure, sendFormExpired, sendMethodNotAllowed, sendPage } from '../http/page-response.ts';
import { expressRequestContext } from '../http/request-context.ts';
import { singleParameters, splitUrl } from '../http/request-parameters.ts';
import { homePage, messagePage } from '../pages/pages.ts';
import { endUserSessions } from '../sessions/end-user-sessions.ts';
import { keepSignedIn } from '../sessions/keep-signed-in.ts';
import { signedInAccount } from '../sessions/signed-in-account.ts';
import { checkSignIn } from '../sign-in/check-sign-in.ts';
import { appSignInsOf, ownAccountPage } from './own-account-page.ts';

/**
 * The provider's home for a signed-in user: their account, where they are signed in (ending
 * any of it) and a password change that ends their other sessions. Signed out, the old home.
 */
export function ownAccountHome(provider: Provider): RequestHandler {
  const { options } = provider;
  const apps = appSignInsOf(provider);
  return async (req: Request, res: Response) => {
    const signedIn = await signedInAccount(provider, req);
    if (signedIn === undefined) {
      sendPage(res, 200, options.siteName, 'Home', homePage(undefined));
      return;
    }
    const { account, sessionId } = signedIn;
    const notice = singleParameters(splitUrl(req.originalUrl).rawQuery).get('notice');
    sendPage(
      res,
      200,
      options.siteName,
      'Your account',
      ownAccountPage({
        account,
        sessions: await provider.sessions.listForUser(account.id),
        currentSession: sessionId,
        apps: await apps?.listForUser(account.id),
        csrfToken: await provider.csrf.tokenFor(req, res, cookiesSecure(req.secure, options.secureCookies)),
        ...(notice === undefined ? {} : { notice }),
      }),
      { wide: true },
    );
  };
}

export function ownAccountRoutes(provider: Provider): Router {
  const { options, sessions, accounts, logger } = provider;
  const router = Router();
  const limitForms = formBody(options.formBodyLimitBytes);
  const home = ownAccountHome(provider);

  const guarded = (handler: (req: Request, res: Response, form: Map<string, string>) => Promise<void>) => {
    return async (req: Request, res: Response) => {
      if (!(await provider.csrf.matches(req, req.formFields))) {
        sendFormExpired(res, options.siteName, 'send it');
        return;
      }
      await handler(req, res, req.formFields ?? new Map());
    };
  };
  const refuse = (res: Response, status: number, message: string) =>
    sendPage(
      res,
      status,
      options.siteName,
      'Not changed',
      messagePage(message, 'Go back to your account and try again.'),
    );

  router.post(
    '/account/sessions/end',
    limitForms,
    guarded(async (req, res, form) => {
      const signedIn = await signedInAccount(provider, req);
      if (signedIn === undefined) {
        res.redirect(303, '/login/?next=/');
        return;
      }
      const id = form.get('session') ?? '';
      if (!(await sessions.endById(signedIn.account.id, id))) {
        refuse(res, 400, 'That session has already ended.');
        return;
      }
      logger.info(
        {
          event: 'own_session_ended',
          username: signedIn.account.username,
          address: expressRequestContext(req).address,
        },
        'session ended by its user',
      );
      if (id === signedIn.sessionId)
        clearCookie(res, SESSION_COOKIE, cookiesSecure(req.secure, options.secureCookies));
      res.redirect(303, id === signedIn.sessionId ? '/' : '/?notice=session-ended');
    }),
  );

  router.post(
    '/account/password',
    limitForms,
    guarded(async (req, res, form) => {
      const signedIn = await signedInAccount(provider, req);
      if (signedIn === undefined) {
        res.redirect(303, '/login/?next=/');
        return;
      }
      const { account } = signedIn;
      const newPassword = form.get('new_password') ?? '';
      if (newPassword === '') {
        refuse(res, 400, 'Enter a new password.');
        return;
      }
      // The sign-in check, with its rate limits: a stolen session cannot guess the password here.
      const check = await checkSignIn(provider, {
        username: account.username,
        password: form.get('old_password'),
        address: expressRequestContext(req).address,
        via: 'provider',
      });
      if (check.outcome === 'rate_limited') {
        res.setHeader('Retry-After', String(check.retryAfterSeconds));
        refuse(res, 429, 'Too many wrong passwords. Try again later.');
        return;
      }
      if (check.outcome !== 'success') {
        refuse(res, 400, 'Your current password was not correct.');
        return;
      }
      try {
        await accounts.setPassword(account.username, newPassword);
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        refuse(res, 400, error.message);
        return;
      }
      await keepSignedIn(provider, account.id, signedIn.sessionId);
      const ended = await endUserSessions(provider, account, {
        reason: 'password-changed',
        except: signedIn.sessionId,
      });
      logger.info(
        { event: 'own_password_changed', username: account.username, sessionsEnded: ended },
        'password changed by its user',
      );
      res.redirect(303, '/?notice=password-changed');
    }),
  );

  for (const path of ['/account/sessions/end', '/account/password']) {
    router.all(path, (_req, res) => sendMethodNotAllowed(res, options.siteName, 'POST'));
  }
  router.get('/', home);
  return router;
}
