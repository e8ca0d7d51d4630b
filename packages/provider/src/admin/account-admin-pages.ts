import type { Account } from '../accounts/account.ts';
import { html, type SafeHtml } from '../pages/html.ts';
import type { IndexedSession } from '../sessions/session-index.ts';
import { csrfField, postButton, when } from './admin-html.ts';

export function accountsPage(input: {
  accounts: Account[];
  query: string;
  csrfToken: string;
  shownOf: number;
}): SafeHtml {
  const rows = input.accounts.map(
    (account) => html`<tr>
<td><a href="/admin/accounts/${String(account.id)}/">${account.username}</a></td>
<td>${account.email}</td>
<td>${`${account.firstName} ${account.lastName}`.trim()}</td>
<td>${[account.isActive ? 'active' : 'inactive', account.isStaff ? 'staff' : ''].filter(Boolean).join(', ')}</td>
<td>${when(account.lastLogin)}</td>
</tr>`,
  );
  return html`<h2>Accounts</h2>
<form method="get" action="/admin/accounts/" role="search">
<label for="id_q">Search (username, email, name)</label>
<input type="search" name="q" id="id_q" value="${input.query}">
<button type="submit" class="secondary">Search</button>
</form>
<p class="note">${String(input.accounts.length)} of ${String(input.shownOf)} accounts shown.</p>
<div class="scroll"><table>
<thead><tr><th>Username</th><th>Email</th><th>Name</th><th>Flags</th><th>Last login</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
<h3>Add an account</h3>
<form method="post" action="/admin/accounts/">
${csrfField(input.csrfToken)}
<label for="id_username">Username</label>
<input type="text" name="username" id="id_username" maxlength="150" autocapitalize="none" required>
<label for="id_password">Password</label>
<input type="password" name="password" id="id_password" autocomplete="new-password" required>
<label for="id_email">Email</label>
<input type="email" name="email" id="id_email" maxlength="254">
<label for="id_first_name">First name</label>
<input type="text" name="first_name" id="id_first_name" maxlength="150">
<label for="id_last_name">Last name</label>
<input type="text" name="last_name" id="id_last_name" maxlength="150">
<label class="check"><input type="checkbox" name="is_staff" value="on"> Staff (may use these admin pages)</label>
<button type="submit">Add account</button>
</form>`;
}

export function sessionRows(
  sessions: IndexedSession[],
  endAction: string,
  csrfToken: string,
  extra: { usernames?: Map<number, string>; current?: string } = {},
): SafeHtml {
  if (sessions.length === 0) return html`<p class="note">No provider sessions.</p>`;
  const rows = sessions.map(
    (session) => html`<tr>
${extra.usernames ? html`<td><a href="/admin/accounts/${String(session.userId)}/">${extra.usernames.get(session.userId) ?? `#${session.userId}`}</a></td>` : false}
<td>${when(session.createdAt)}${session.id === extra.current ? html` <strong>(this browser)</strong>` : false}</td>
<td>${session.address}</td>
<td>${session.userAgent}</td>
<td>${postButton(endAction, csrfToken, 'End', { fields: { session: session.id, user: String(session.userId) }, danger: true })}</td>
</tr>`,
  );
  return html`<div class="scroll"><table>
<thead><tr>${extra.usernames ? html`<th>Account</th>` : false}<th>Signed in</th><th>From</th><th>Browser</th><th></th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}

export function accountPage(input: {
  account: Account;
  sessions: IndexedSession[];
  csrfToken: string;
}): SafeHtml {
  const { account, csrfToken } = input;
  const base = `/admin/accounts/${account.id}/`;
  return html`<h2>Account ${account.username}</h2>
<dl>
<dt>Id</dt><dd>${String(account.id)}</dd>
<dt>Status</dt><dd>${account.isActive ? 'active' : 'inactive (cannot sign in)'}</dd>
<dt>Joined</dt><dd>${when(account.dateJoined)}</dd>
<dt>Last login</dt><dd>${when(account.lastLogin)}</dd>
</dl>
<h3>Attributes</h3>
<form method="post" action="${base}edit">
${csrfField(csrfToken)}
<label for="id_email">Email</label>
<input type="email" name="email" id="id_email" maxlength="254" value="${account.email}">
<label for="id_first_name">First name</label>
<input type="text" name="first_name" id="id_first_name" maxlength="150" value="${account.firstName}">
<label for="id_last_name">Last name</label>
<input type="text" name="last_name" id="id_last_name" maxlength="150" value="${account.lastName}">
<label class="check"><input type="checkbox" name="is_staff" value="on"${account.isStaff ? html` checked` : false}> Staff</label>
<button type="submit">Save</button>
</form>
<h3>Sessions</h3>
${sessionRows(input.sessions, `${base}sessions/end`, csrfToken)}
<p>${postButton(`${base}end-sessions`, csrfToken, 'End all sessions', { danger: true })}</p>
<h3>Reset password</h3>
<form method="post" action="${base}password">
${csrfField(csrfToken)}
<label for="id_new_password">New password</label>
<input type="password" name="password" id="id_new_password" autocomplete="new-password" required>
<button type="submit">Set password</button>
</form>
<p class="note">Setting a password ends the account's sessions.</p>
<h3>Status</h3>
<p>${
    account.isActive
      ? postButton(`${base}active`, csrfToken, 'Deactivate', { fields: { active: 'off' }, danger: true })
      : postButton(`${base}active`, csrfToken, 'Activate', { fields: { active: 'on' } })
  }</p>`;
}
