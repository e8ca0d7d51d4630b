import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { Provider } from '../create-provider.ts';
import { formBody } from '../http/form-body.ts';
import { cookiesSecure, sendFormExpired, sendMethodNotAllowed, sendPage } from '../http/page-response.ts';
import { singleParameters, splitUrl } from '../http/request-parameters.ts';
import { html, type SafeHtml } from '../pages/html.ts';
import { messagePage } from '../pages/pages.ts';
import type { SignedIn } from '../sessions/signed-in-account.ts';
import { adminNav, type NoticeCode, noticeOf } from './admin-html.ts';

/** One log line per admin change, naming the staff account and the address. */
export type AdminLog = (
  req: Request,
  admin: SignedIn,
  event: string,
  details: Record<string, unknown>,
) => void;

/** A route parameter as one string ('' when absent). */
export const param = (req: Request, name: string): string => {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
};

/** A form field, trimmed ('' when absent). */
export const text = (form: Map<string, string>, name: string): string => (form.get(name) ?? '').trim();

/** A refusal of what a form sent: a 400 page with this message (never a 500). */
export class BadFormInput extends Error {}

export interface AdminRouteKit {
  /** A GET page (405 for other methods). */
  page(path: string, handler: (req: Request, res: Response, admin: SignedIn) => Promise<void>): void;
  /** A POST action: form read strictly, CSRF checked, TypeErrors and BadFormInput answered 400. */
  action(
    path: string,
    handler: (req: Request, res: Response, admin: SignedIn, form: Map<string, string>) => Promise<void>,
  ): void;
  /** The CSRF token of this browser's forms. */
  csrfToken(req: Request, res: Response): Promise<string>;
  /** Sends a wide admin page with the navigation and a notice from `?notice=`. */
  send(req: Request, res: Response, status: number, title: string, body: SafeHtml): void;
  /** 303 to a page, with a notice. */
  done(res: Response, path: string, notice: NoticeCode): void;
  query(req: Request): Map<string, string>;
  /** Answers 405 (with Allow) for the other methods of every path given; call after the routes. */
  finish(): void;
}

export function adminRouteKit(provider: Provider, router: Router, hasAudit: boolean): AdminRouteKit {
  const { options } = provider;
  const limitForms = formBody(options.formBodyLimitBytes);
  const notAllowed =
    (allow: string): RequestHandler =>
    (_req, res) =>
      sendMethodNotAllowed(res, options.siteName, allow);
  const allowed = new Map<string, string[]>();
  const allow = (path: string, methods: string) => allowed.set(path, [...(allowed.get(path) ?? []), methods]);
  const query = (req: Request) => singleParameters(splitUrl(req.originalUrl).rawQuery);
  const send = (req: Request, res: Response, status: number, title: string, body: SafeHtml) => {
    const admin = res.locals.admin as SignedIn;
    const notice = status < 400 && req.method === 'GET' ? noticeOf(query(req).get('notice')) : false;
    sendPage(
      res,
      status,
      options.siteName,
      title,
      html`${adminNav(admin.account.username, hasAudit)}${notice}${body}`,
      {
        wide: true,
      },
    );
  };
  const refuse = (req: Request, res: Response, message: string) => {
    provider.logger.warn(
      { event: 'admin_input_refused', path: req.path, reason: message },
      'admin form refused',
    );
    send(req, res, 400, 'Not saved', messagePage(message, 'Go back, correct it and send the form again.'));
  };
  return {
    page(path, handler) {
      router.get(path, (req, res) => handler(req, res, res.locals.admin as SignedIn));
      allow(path, 'GET, HEAD');
    },
    action(path, handler) {
      router.post(path, limitForms, async (req: Request, res: Response, next: NextFunction) => {
        if (!(await provider.csrf.matches(req, req.formFields))) {
          sendFormExpired(res, options.siteName, 'send it');
          return;
        }
        try {
          await handler(req, res, res.locals.admin as SignedIn, req.formFields ?? new Map());
        } catch (error) {
          if (error instanceof TypeError || error instanceof BadFormInput) refuse(req, res, error.message);
          else next(error);
        }
      });
      allow(path, 'POST');
    },
    csrfToken: (req, res) =>
      provider.csrf.tokenFor(req, res, cookiesSecure(req.secure, options.secureCookies)),
    send,
    done(res, path, notice) {
      res.redirect(303, `${path}?notice=${notice}`);
    },
    query,
    finish() {
      for (const [path, methods] of allowed) router.all(path, notAllowed(methods.join(', ')));
    },
  };
}
