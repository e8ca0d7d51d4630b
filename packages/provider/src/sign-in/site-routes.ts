import { type Request, type Response, Router } from 'express';
import type { Account } from '../accounts/account.ts';
import type { Provider } from '../create-provider.ts';
import { clearCookie, readCookie, SESSION_COOKIE, setCookie } from '../http/cookies.ts';
import { formBody } from '../http/form-body.ts';
import { cookiesSecure, sendFormExpired, sendMethodNotAllowed, sendPage } from '../http/page-response.ts';
import { expressRequestContext } from '../http/request-context.ts';
import { singleParameters, splitUrl } from '../http/request-parameters.ts';
import { contentSecurityPolicy } from '../http/security-headers.ts';
import { logoutReturnOf } from '../logout/logout-return.ts';
import { homePage, loginFormPage, logoutPage, messagePage } from '../pages/pages.ts';
import { signedInAccount } from '../sessions/signed-in-account.ts';
import { checkSignIn } from './check-sign-in.ts';

/** A path on this site to return to after login; anything else (other hosts, `//x`, `/\x`) is `/`. */
export function sameSiteNext(next: string | undefined): string {
  if (next === undefined || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return '/';
  return /^[\x21-\x7e]*$/.test(next) ? next : '/';
}

/**
 * The provider's own pages: home (who is signed in), `/login/` (starts a provider session,
 * which the SSO page then offers as "Continue with current user?") and `/logout/`.
 */
export function siteRoutes(provider: Provider): Router {
  const { options, sessions } = provider;
  const router = Router();
  const limitForms = formBody(options.formBodyLimitBytes);

  const currentAccount = async (req: Request): Promise<Account | undefined> =>
    (await signedInAccount(provider, req))?.account;
  const formExpired = (res: Response) => sendFormExpired(res, options.siteName, 'try');

  router.get('/', async (req, res) => {
    sendPage(res, 200, options.siteName, 'Home', homePage(await currentAccount(req)));
  });

  router.get('/login/', async (req, res) => {
    const next = sameSiteNext(singleParameters(splitUrl(req.originalUrl).rawQuery).get('next'));
    const csrfToken = await provider.csrf.tokenFor(
      req,
      res,
      cookiesSecure(req.secure, options.secureCookies),
    );
    sendPage(res, 200, options.siteName, 'Log in', loginFormPage({ action: '/login/', csrfToken, next }));
  });

  router.post('/login/', limitForms, async (req, res) => {
    if (!(await provider.csrf.matches(req, req.formFields))) {
      formExpired(res);
      return;
    }
    const fields = req.formFields ?? new Map<string, string>();
    const username = fields.get('username');
    const next = sameSiteNext(fields.get('next'));
    const secure = cookiesSecure(req.secure, options.secureCookies);
    const result = await checkSignIn(provider, {
      username,
      password: fields.get('password'),
      address: expressRequestContext(req).address,
      via: 'provider',
    });
    if (result.outcome === 'success') {
      // A new token on every login, so a session id planted before login is worthless after it.
      await sessions.destroy(readCookie(req, SESSION_COOKIE));
      const token = await sessions.create(result.account, {
        address: expressRequestContext(req).address,
        userAgent: req.get('user-agent') ?? '',
      });
      setCookie(res, SESSION_COOKIE, token, { secure, maxAgeSeconds: options.sessionTtlSeconds });
      res.redirect(302, next);
      return;
    }
    const error =
      result.outcome === 'rate_limited'
        ? `Too many failed sign-ins. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minutes.`
        : result.outcome === 'missing_fields'
          ? 'Enter a username and a password.'
          : 'Please enter a correct username and password.';
    if (result.outcome === 'rate_limited') res.setHeader('Retry-After', String(result.retryAfterSeconds));
    const csrfToken = await provider.csrf.tokenFor(req, res, secure);
    sendPage(
      res,
      result.outcome === 'rate_limited' ? 429 : 200,
      options.siteName,
      'Log in',
      loginFormPage({
        action: '/login/',
        csrfToken,
        next,
        error,
        ...(username === undefined ? {} : { username }),
      }),
    );
  });

  // `?api_key=…&next=…`: a client app's `signOutAtProvider` asks to get the browser back.
  router.get('/logout/', async (req, res) => {
    const params = singleParameters(splitUrl(req.originalUrl).rawQuery);
    const [account, returnTo] = await Promise.all([
      currentAccount(req),
      logoutReturnOf(provider.clients, params.get('api_key'), params.get('next')),
    ]);
    // Nobody signed in here: nothing to confirm, straight back to the (checked) client.
    if (account === undefined && returnTo !== undefined) {
      res.redirect(302, returnTo.url);
      return;
    }
    const csrfToken = await provider.csrf.tokenFor(
      req,
      res,
      cookiesSecure(req.secure, options.secureCookies),
    );
    // The form's answer redirects on to the client app: CSP form-action must allow it.
    if (returnTo !== undefined)
      res.setHeader('Content-Security-Policy', contentSecurityPolicy([new URL(returnTo.url).origin]));
    sendPage(res, 200, options.siteName, 'Log out', logoutPage(account?.username, csrfToken, returnTo));
  });

  router.post('/logout/', limitForms, async (req, res) => {
    if (!(await provider.csrf.matches(req, req.formFields))) {
      formExpired(res);
      return;
    }
    // Named in the audit trail when it can be read; a sign-out never fails for it.
    const account = provider.events.observed ? await currentAccount(req).catch(() => undefined) : undefined;
    const sessionToken = readCookie(req, SESSION_COOKIE);
    const session = await sessions.read(sessionToken);
    let notices = 0;
    // Notices first (in the outbox, so they survive a crash), then the session; a
    // "continue as" that slipped in between is caught by the second look.
    const live = session !== undefined && sessionToken !== undefined;
    if (live) notices = await provider.singleLogout.endProviderSession(sessionToken);
    await sessions.destroy(sessionToken);
    if (live) notices += await provider.singleLogout.endProviderSession(sessionToken);
    clearCookie(res, SESSION_COOKIE, cookiesSecure(req.secure, options.secureCookies));
    provider.logger.info(
      {
        event: 'logout',
        userId: session?.userId ?? null,
        notices,
        address: expressRequestContext(req).address,
      },
      'provider session ended',
    );
    provider.events.emit({
      type: 'sign_out',
      username: account?.username ?? null,
      address: expressRequestContext(req).address,
    });
    // Checked again: the form's fields are the browser's to change.
    const returnTo = await logoutReturnOf(
      provider.clients,
      req.formFields?.get('api_key'),
      req.formFields?.get('next'),
    );
    res.redirect(302, returnTo?.url ?? '/');
  });

  for (const path of ['/', '/login/', '/logout/']) {
    const allow = path === '/' ? 'GET, HEAD' : 'GET, HEAD, POST';
    router.all(path, (_req, res) => sendMethodNotAllowed(res, options.siteName, allow));
  }
  return router;
}
