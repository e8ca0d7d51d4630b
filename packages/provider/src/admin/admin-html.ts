import { html, type SafeHtml } from '../pages/html.ts';
import { CSRF_FIELD } from '../pages/pages.ts';

/** What a page redirected to after an action says (`?notice=CODE`: never user data in the URL). */
export const NOTICES = {
  'account-added': 'Account added.',
  'account-saved': 'Account saved.',
  'account-deactivated': 'Account deactivated; its sessions were ended.',
  'account-activated': 'Account activated.',
  'password-reset': 'Password set; the sessions of the account were ended.',
  'sessions-ended': 'Sessions ended.',
  'session-ended': 'Session ended.',
  'client-removed': 'Client app removed.',
  'secrets-retired': 'Older secrets retired: only the newest one works now.',
  'password-changed': 'Password changed; your other sessions were ended.',
} as const;

export type NoticeCode = keyof typeof NOTICES;

export function noticeOf(code: string | undefined): SafeHtml | false {
  if (code === undefined || !Object.hasOwn(NOTICES, code)) return false;
  return html`<p class="notice" role="status">${NOTICES[code as NoticeCode]}</p>`;
}

/** A one-button form: every action is a POST with the CSRF token. */
export function postButton(
  action: string,
  csrfToken: string,
  label: string,
  options: { fields?: Record<string, string>; danger?: boolean } = {},
): SafeHtml {
  const fields = Object.entries(options.fields ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return html`<form class="inline" method="post" action="${action}"><input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">${fields}<button type="submit"${options.danger ? html` class="danger"` : false}>${label}</button></form>`;
}

export function csrfField(csrfToken: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">`;
}

export function adminNav(username: string, hasAudit: boolean): SafeHtml {
  return html`<nav aria-label="Admin">
<a href="/admin/">Admin</a>
<a href="/admin/accounts/">Accounts</a>
<a href="/admin/clients/">Client apps</a>
<a href="/admin/sessions/">Signed in</a>
${hasAudit ? html`<a href="/admin/audit/">Audit trail</a>` : false}
<a href="/">${username}</a>
</nav>`;
}

export function when(date: Date | null): string {
  return date === null ? 'never' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
