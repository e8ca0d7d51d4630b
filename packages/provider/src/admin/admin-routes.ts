import { type Request, type Response, Router } from 'express';
import type { Account } from '../accounts/account.ts';
import type { Provider } from '../create-provider.ts';
import { sendPage } from '../http/page-response.ts';
import { expressRequestContext } from '../http/request-context.ts';
import { html } from '../pages/html.ts';
import { messagePage } from '../pages/pages.ts';
import { endUserSessions } from '../sessions/end-user-sessions.ts';
import { keepSignedIn } from '../sessions/keep-signed-in.ts';
import type { SignedIn } from '../sessions/signed-in-account.ts';
import { accountPage, accountsPage, sessionRows } from './account-admin-pages.ts';
import { adminAccess } from './admin-access.ts';
import { type AdminLog, adminRouteKit, BadFormInput, param, text } from './admin-route-kit.ts';
import { clientAdminRoutes } from './client-admin-routes.ts';
import { auditPage, auditReaderOf, overviewPage } from './overview-admin-pages.ts';

/** Accounts a search shows at most (the list is read whole and filtered here). */
const SHOWN = 200;

function matches(account: Account, query: string): boolean {
  const needle = query.toLowerCase();
  return [account.username, account.email, account.firstName, account.lastName].some((field) =>
    field.toLowerCase().includes(needle),
  );
}

/**
 * `/admin/`: the provider's admin pages, for staff accounts. Server-rendered, every change a
 * POST with the CSRF token, a secret shown once in the answer to the POST that made it.
 */
export function adminRoutes(provider: Provider): Router {
  const { accounts, sessions, clientStore, logger } = provider;
  const audit = auditReaderOf(provider);
  const router = Router();
  // Not `router.get('/admin')`: without strict routing that also matches `/admin/`.
  router.get(/^\/admin$/, (_req, res) => res.redirect(301, '/admin/'));
  router.use('/admin/', adminAccess(provider));
  const kit = adminRouteKit(provider, router, audit !== undefined);
  const log: AdminLog = (req, admin, event, details) =>
    logger.info(
      { event, by: admin.account.username, address: expressRequestContext(req).address, ...details },
      'admin change',
    );

  const accountOf = async (req: Request): Promise<Account> => {
    const id = param(req, 'id');
    const account = /^\d{1,15}$/.test(id) ? await accounts.findById(Number(id)) : undefined;
    if (account === undefined) throw new BadFormInput('There is no such account.');
    return account;
  };
  const notFound = (res: Response) =>
    sendPage(res, 404, provider.options.siteName, 'Not found', messagePage('There is no such account.'));

  kit.page('/admin/', async (req, res) => {
    const [all, clients, live] = await Promise.all([
      accounts.list(),
      clientStore?.list(),
      sessions.listAll(10_000),
    ]);
    kit.send(
      req,
      res,
      200,
      'Admin',
      overviewPage({
        accounts: all.length,
        clients: clients?.length,
        sessions: live.length,
        hasAudit: audit !== undefined,
      }),
    );
  });

  kit.page('/admin/accounts/', async (req, res) => {
    const query = (kit.query(req).get('q') ?? '').trim();
    const all = await accounts.list();
    const found = (query === '' ? all : all.filter((account) => matches(account, query))).slice(0, SHOWN);
    kit.send(
      req,
      res,
      200,
      'Accounts',
      accountsPage({ accounts: found, query, shownOf: all.length, csrfToken: await kit.csrfToken(req, res) }),
    );
  });

  kit.action('/admin/accounts/', async (req, res, admin, form) => {
    const username = text(form, 'username');
    const password = form.get('password') ?? '';
    if (username === '') throw new BadFormInput('Enter a username.');
    if (password === '') throw new BadFormInput('Enter a password.');
    const account = await accounts.add({
      username,
      password,
      email: text(form, 'email'),
      firstName: text(form, 'first_name'),
      lastName: text(form, 'last_name'),
      isStaff: form.get('is_staff') === 'on',
    });
    log(req, admin, 'admin_account_added', { username: account.username, staff: account.isStaff });
    kit.done(res, `/admin/accounts/${account.id}/`, 'account-added');
  });

  kit.page('/admin/accounts/:id/', async (req, res) => {
    const id = param(req, 'id');
    const account = /^\d{1,15}$/.test(id) ? await accounts.findById(Number(id)) : undefined;
    if (account === undefined) {
      notFound(res);
      return;
    }
    const list = await sessions.listForUser(account.id);
    kit.send(
      req,
      res,
      200,
      `Account ${account.username}`,
      accountPage({ account, sessions: list, csrfToken: await kit.csrfToken(req, res) }),
    );
  });

  kit.action('/admin/accounts/:id/edit', async (req, res, admin, form) => {
    const account = await accountOf(req);
    const isStaff = form.get('is_staff') === 'on';
    if (account.id === admin.account.id && !isStaff) {
      throw new BadFormInput('You cannot take staff away from your own account here (use the command line).');
    }
    await accounts.update(account.username, {
      email: text(form, 'email'),
      firstName: text(form, 'first_name'),
      lastName: text(form, 'last_name'),
      isStaff,
    });
    log(req, admin, 'admin_account_changed', { username: account.username, staff: isStaff });
    kit.done(res, `/admin/accounts/${account.id}/`, 'account-saved');
  });

  kit.action('/admin/accounts/:id/password', async (req, res, admin, form) => {
    const account = await accountOf(req);
    const password = form.get('password') ?? '';
    if (password === '') throw new BadFormInput('Enter the new password.');
    await accounts.setPassword(account.username, password);
    if (account.id === admin.account.id) await keepSignedIn(provider, account.id, admin.sessionId);
    const ended = await endUserSessions(provider, account, {
      reason: 'password-changed',
      ...(account.id === admin.account.id ? { except: admin.sessionId } : {}),
    });
    log(req, admin, 'admin_password_reset', { username: account.username, sessionsEnded: ended });
    kit.done(res, `/admin/accounts/${account.id}/`, 'password-reset');
  });

  kit.action('/admin/accounts/:id/active', async (req, res, admin, form) => {
    const account = await accountOf(req);
    const setting = form.get('active');
    if (setting !== 'on' && setting !== 'off') throw new BadFormInput('active must be on or off.');
    if (setting === 'off' && account.id === admin.account.id)
      throw new BadFormInput('You cannot deactivate your own account.');
    await accounts.setActive(account.username, setting === 'on');
    const ended = setting === 'off' ? await endUserSessions(provider, account, { reason: 'deactivated' }) : 0;
    log(req, admin, setting === 'on' ? 'admin_account_activated' : 'admin_account_deactivated', {
      username: account.username,
      sessionsEnded: ended,
    });
    kit.done(
      res,
      `/admin/accounts/${account.id}/`,
      setting === 'on' ? 'account-activated' : 'account-deactivated',
    );
  });

  kit.action('/admin/accounts/:id/end-sessions', async (req, res, admin) => {
    const account = await accountOf(req);
    const ended = await endUserSessions(provider, account, {
      reason: 'admin-logout',
      ...(account.id === admin.account.id ? { except: admin.sessionId } : {}),
    });
    log(req, admin, 'admin_sessions_ended', { username: account.username, sessionsEnded: ended });
    kit.done(res, `/admin/accounts/${account.id}/`, 'sessions-ended');
  });

  kit.action('/admin/accounts/:id/sessions/end', async (req, res, admin, form) => {
    const account = await accountOf(req);
    if (!(await sessions.endById(account.id, form.get('session') ?? ''))) {
      throw new BadFormInput('That session has already ended.');
    }
    log(req, admin, 'admin_session_ended', { username: account.username });
    kit.done(res, `/admin/accounts/${account.id}/`, 'session-ended');
  });

  kit.page('/admin/sessions/', async (req, res) => {
    const [live, all] = await Promise.all([sessions.listAll(SHOWN * 5), accounts.list()]);
    const usernames = new Map(all.map((account) => [account.id, account.username]));
    const csrfToken = await kit.csrfToken(req, res);
    kit.send(
      req,
      res,
      200,
      'Signed in',
      html`<h2>Signed in at this provider</h2>
<p class="note">The provider's own sessions (its sign-in page and "continue as"), newest first. Ending one signs that browser out here.</p>
${sessionRows(live, '/admin/sessions/end', csrfToken, { usernames, current: res.locals.admin?.sessionId })}`,
    );
  });

  kit.action('/admin/sessions/end', async (req, res, admin, form) => {
    const userId = Number(form.get('user'));
    if (!Number.isSafeInteger(userId) || !(await sessions.endById(userId, form.get('session') ?? ''))) {
      throw new BadFormInput('That session has already ended.');
    }
    log(req, admin, 'admin_session_ended', { userId });
    kit.done(res, '/admin/sessions/', 'session-ended');
  });

  clientAdminRoutes(provider, kit, log);

  if (audit !== undefined) {
    kit.page('/admin/audit/', async (req, res) => {
      const events = (await audit.list({ limit: 200 })).reverse();
      kit.send(req, res, 200, 'Audit trail', auditPage(events));
    });
  }

  kit.finish();
  router.use('/admin/', (req, res) => {
    kit.send(req, res, 404, 'Not found', messagePage('There is no admin page at this address.'));
  });
  return router;
}
