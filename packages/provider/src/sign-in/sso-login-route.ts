import { type Request, type Response, Router } from 'express';
import { formBody } from '../http/form-body.ts';
import { sendPlainRefusal } from '../http/page-response.ts';
import { expressRequestContext } from '../http/request-context.ts';
import type { SsoLoginPage } from './sso-login-page.ts';

/** The SSO login page as Express routes: GET (unless the fast path took it), the form's POST. */
export function ssoLoginRoute(path: string, page: SsoLoginPage, formBodyLimitBytes: number): Router {
  const router = Router();
  router.get(path, (req: Request, res: Response) => page(req, res, expressRequestContext(req)));
  router.post(path, formBody(formBodyLimitBytes), (req: Request, res: Response) =>
    page(req, res, expressRequestContext(req), req.formFields),
  );
  router.all(path, (_req, res) => {
    res.setHeader('Allow', 'GET, HEAD, POST');
    sendPlainRefusal(res, 'METHOD_NOT_ALLOWED');
  });
  return router;
}
