import type { ApiKeyListing } from '@ssokit/stores';
import { DEFAULT_CALLBACK_PATH } from '../clients/client-registry.ts';
import { html, type SafeHtml } from '../pages/html.ts';
import { csrfField, postButton, when } from './admin-html.ts';

export interface ClientsPageInput {
  clients: ApiKeyListing[] | undefined;
  csrfToken: string;
  /** The client store keeps logout URLs (single logout): the form asks for one. */
  takesLogoutUrl: boolean;
}

const logoutUrlOf = (client: ApiKeyListing): string | undefined => {
  const url = (client as { logoutUrl?: unknown }).logoutUrl;
  return typeof url === 'string' && url !== '' ? url : undefined;
};

export function clientsPage(input: ClientsPageInput): SafeHtml {
  if (input.clients === undefined) {
    return html`<h2>Client apps</h2>
<p class="note">This provider's client apps are given in its code (the <code>clients</code> option); change them there.</p>`;
  }
  const { csrfToken } = input;
  const rows = input.clients.map((client) => {
    const base = `/admin/clients/${encodeURIComponent(client.apiKey)}/`;
    return html`<tr>
<td><code>${client.apiKey}</code></td>
<td>${client.scheme ? `${client.scheme}://` : ''}${client.host ?? '(any host)'}</td>
<td>${client.callbackPath ?? `${DEFAULT_CALLBACK_PATH} (default)`}</td>
${input.takesLogoutUrl ? html`<td>${logoutUrlOf(client) ?? 'none'}</td>` : false}
<td>${client.note ?? ''}</td>
<td>${String(client.activeSecrets)}</td>
<td>${when(client.createdAt)}</td>
<td>${postButton(`${base}rotate`, csrfToken, 'Rotate secret')}${
      client.activeSecrets > 1 ? postButton(`${base}retire`, csrfToken, 'Retire old secrets') : false
    }${postButton(`${base}remove`, csrfToken, 'Remove', { danger: true })}</td>
</tr>`;
  });
  return html`<h2>Client apps</h2>
<div class="scroll"><table>
<thead><tr><th>API key</th><th>Host</th><th>Callback path</th>${input.takesLogoutUrl ? html`<th>Logout URL</th>` : false}<th>Note</th><th>Secrets</th><th>Registered</th><th></th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${input.clients.length === 0 ? html`<p class="note">No client apps yet.</p>` : false}
<h3>Register a client app</h3>
<form method="post" action="/admin/clients/">
${csrfField(csrfToken)}
<label for="id_host">Host (host[:port] of the app's URL)</label>
<input type="text" name="host" id="id_host" placeholder="app.example.org" autocapitalize="none" maxlength="255" required>
<label for="id_scheme">Scheme</label>
<select name="scheme" id="id_scheme"><option value="">any</option><option value="https">https only</option><option value="http">http only</option></select>
<label for="id_callback_path">Callback path</label>
<input type="text" name="callback_path" id="id_callback_path" placeholder="${DEFAULT_CALLBACK_PATH}" autocapitalize="none" maxlength="255">
${
  input.takesLogoutUrl
    ? html`<label for="id_logout_url">Logout URL (where the app receives logout notices; empty: none)</label>
<input type="text" name="logout_url" id="id_logout_url" placeholder="https://app.example.org/myssoclient/logout/" autocapitalize="none" maxlength="255">`
    : false
}
<label for="id_note">Note</label>
<input type="text" name="note" id="id_note" maxlength="255">
<button type="submit">Register</button>
</form>`;
}

/** The one time a secret is shown: in the answer to the POST, never in a URL, never logged. */
export function secretOncePage(input: {
  apiKey: string;
  secret: string;
  heading: string;
  olderSecrets: number;
}): SafeHtml {
  return html`<h2>${input.heading}</h2>
<p class="notice" role="status">Copy the secret now: it is shown this once and never again.</p>
<dl>
<dt>API key</dt><dd><code>${input.apiKey}</code></dd>
<dt>Secret</dt><dd><code class="secret" id="secret">${input.secret}</code></dd>
</dl>
${input.olderSecrets > 0 ? html`<p class="note">${String(input.olderSecrets)} older secret(s) still work until you retire them.</p>` : false}
<p><a class="button" href="/admin/clients/">Back to client apps</a></p>`;
}
