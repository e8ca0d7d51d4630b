import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Provider } from '../create-provider.ts';
import { sendPage } from '../http/page-response.ts';
import { messagePage } from '../pages/pages.ts';
import { type SignedIn, signedInAccount } from '../sessions/signed-in-account.ts';

declare global {
  namespace Express {
    interface Locals {
      /** Set by the admin pages' guard: the staff account signed in. */
      admin?: SignedIn;
    }
  }
}

/**
 * The admin pages' guard: no provider session → the provider's own sign-in (its rate limits,
 * its CSRF) with `next` back to this page; an account that is not staff → 403.
 */
export function adminAccess(provider: Provider): RequestHandler {
  const { siteName } = provider.options;
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const signedIn = await signedInAccount(provider, req);
      if (signedIn === undefined) {
        // Only GETs come back here after signing in; a POST's page is its form's page.
        const back = req.method === 'GET' ? (req.originalUrl.split('?')[0] ?? '/admin/') : '/admin/';
        res.redirect(302, `/login/?next=${encodeURIComponent(back)}`);
        return;
      }
      if (!signedIn.account.isStaff) {
        provider.logger.warn(
          { event: 'admin_refused', username: signedIn.account.username, path: req.path },
          'admin page refused: not staff',
        );
        sendPage(
          res,
          403,
          siteName,
          'Not allowed',
          messagePage(
            'The admin pages are for staff accounts.',
            `You are signed in as ${signedIn.account.username}.`,
          ),
        );
        return;
      }
      res.locals.admin = signedIn;
      next();
    } catch (error) {
      next(error);
    }
  };
}
