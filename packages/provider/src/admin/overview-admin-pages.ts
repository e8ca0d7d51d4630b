import { html, type SafeHtml } from '../pages/html.ts';
import { when } from './admin-html.ts';

/** What the audit page shows of an event (the audit trail's `AuditEvent`, read by shape). */
export interface AuditEntry {
  at: Date;
  action: string;
  outcome?: string | null;
  username?: string | null;
  address?: string | null;
  apiKey?: string | null;
  via?: string | null;
  host?: string | null;
}

/** The provider's audit trail, when it has one: found by its shape, not by import. */
export interface AuditReader {
  list(query?: { limit?: number }): Promise<AuditEntry[]>;
}

export function auditReaderOf(provider: object): AuditReader | undefined {
  const audit = (provider as { audit?: Partial<AuditReader> }).audit;
  return typeof audit?.list === 'function' ? (audit as AuditReader) : undefined;
}

export function overviewPage(input: {
  accounts: number;
  clients: number | undefined;
  sessions: number;
  hasAudit: boolean;
}): SafeHtml {
  return html`<h2>Admin</h2>
<dl>
<dt><a href="/admin/accounts/">Accounts</a></dt><dd>${String(input.accounts)}</dd>
<dt><a href="/admin/clients/">Client apps</a></dt><dd>${input.clients === undefined ? 'given in code' : String(input.clients)}</dd>
<dt><a href="/admin/sessions/">Provider sessions</a></dt><dd>${String(input.sessions)}</dd>
${input.hasAudit ? html`<dt><a href="/admin/audit/">Audit trail</a></dt><dd>recent events</dd>` : false}
</dl>`;
}

export function auditPage(events: AuditEntry[]): SafeHtml {
  const rows = events.map(
    (event) =>
      html`<tr><td>${when(event.at)}</td><td>${event.action}</td><td>${event.outcome ?? ''}</td><td>${event.username ?? ''}</td><td>${event.address ?? ''}</td><td>${event.apiKey ?? event.host ?? ''}</td></tr>`,
  );
  return html`<h2>Audit trail</h2>
<p class="note">The most recent ${String(events.length)} events, newest first.</p>
<div class="scroll"><table>
<thead><tr><th>When</th><th>Action</th><th>Outcome</th><th>Account</th><th>From</th><th>Client app</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}
