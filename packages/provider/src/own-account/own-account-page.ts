import type { Account } from '../accounts/account.ts';
import { csrfField, noticeOf, postButton, when } from '../admin/admin-html.ts';
import { html, type SafeHtml } from '../pages/html.ts';
import type { IndexedSession } from '../sessions/session-index.ts';

/** A sign-in at a client app, as a record of them would list it (see `appSignInsOf`). */
export interface AppSignIn {
  /** The client app's host. */
  host: string;
  at: Date;
}

/**
 * Where the page finds the user's sign-ins at client apps: a `clientSignIns` on the provider
 * with `listForUser(userId)`, found by shape. The provider does not record them yet (the
 * single-logout work does); until then the page lists the provider's own sessions only.
 */
export interface AppSignInReader {
  listForUser(userId: number): Promise<AppSignIn[]>;
}

export function appSignInsOf(provider: object): AppSignInReader | undefined {
  const reader = (provider as { clientSignIns?: Partial<AppSignInReader> }).clientSignIns;
  return typeof reader?.listForUser === 'function' ? (reader as AppSignInReader) : undefined;
}

export interface OwnAccountPageInput {
  account: Account;
  sessions: IndexedSession[];
  currentSession: string;
  apps: AppSignIn[] | undefined;
  csrfToken: string;
  notice?: string;
}

export function ownAccountPage(input: OwnAccountPageInput): SafeHtml {
  const { account, csrfToken } = input;
  const fullName = `${account.firstName} ${account.lastName}`.trim();
  const sessionRows = input.sessions.map(
    (session) => html`<tr>
<td>${when(session.createdAt)}${session.id === input.currentSession ? html` <strong>(this browser)</strong>` : false}</td>
<td>${session.address}</td>
<td>${session.userAgent}</td>
<td>${postButton(
      '/account/sessions/end',
      csrfToken,
      session.id === input.currentSession ? 'Log out' : 'End',
      {
        fields: { session: session.id },
        danger: true,
      },
    )}</td>
</tr>`,
  );
  const apps =
    input.apps === undefined
      ? html`<p class="note">This provider does not record sign-ins at client apps yet; apps keep their own sessions.</p>`
      : input.apps.length === 0
        ? html`<p class="note">No sign-ins at client apps.</p>`
        : html`<ul>${input.apps.map((app) => html`<li>${app.host}, ${when(app.at)}</li>`)}</ul>`;
  return html`${noticeOf(input.notice)}
<p>Signed in as <strong>${account.username}</strong>.</p>
<dl>
<dt>Username</dt><dd>${account.username}</dd>
${fullName ? html`<dt>Name</dt><dd>${fullName}</dd>` : false}
${account.email ? html`<dt>Email</dt><dd>${account.email}</dd>` : false}
<dt>Last login</dt><dd>${when(account.lastLogin)}</dd>
</dl>
${account.isStaff ? html`<p><a class="button secondary" href="/admin/">Admin pages</a></p>` : false}
<h3>Where you are signed in</h3>
<div class="scroll"><table>
<thead><tr><th>Since</th><th>From</th><th>Browser</th><th></th></tr></thead>
<tbody>${sessionRows}</tbody>
</table></div>
<h3>Client apps</h3>
${apps}
<h3>Change your password</h3>
<form method="post" action="/account/password">
${csrfField(csrfToken)}
<label for="id_old_password">Current password</label>
<input type="password" name="old_password" id="id_old_password" autocomplete="current-password" required>
<label for="id_new_password">New password</label>
<input type="password" name="new_password" id="id_new_password" autocomplete="new-password" required>
<button type="submit">Change password</button>
</form>
<p class="note">Changing your password signs you out everywhere else.</p>
<p><a class="button secondary" href="/logout/">Log out</a></p>`;
}
