import { parseArgs } from 'node:util';
import type { AuditEvent } from '@ssokit/provider';
import { type CliCommand, UsageError } from '../command.ts';
import { DB_FLAG_HELP, withProviderDatabase } from './provider-database.ts';
import { formatTable } from './provider-user-commands.ts';

/** `2026-11-30`, `2026-11-30T12:00:00Z`, or a span back from now: `90m`, `12h`, `7d`. */
export function parseSince(text: string, now = Date.now()): Date {
  const span = /^(\d+)([mhd])$/.exec(text);
  if (span) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 'm' | 'h' | 'd'];
    return new Date(now - Number(span[1]) * unit);
  }
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--since must be a date (2026-11-30, 2026-11-30T12:00:00Z) or a span (12h, 7d), got "${text}"`,
    );
  }
  return date;
}

function row(event: AuditEvent): string[] {
  return [
    event.at.toISOString(),
    event.action,
    event.outcome ?? '',
    event.username ?? '',
    event.address ?? '',
    event.apiKey ?? '',
    event.via ?? event.host ?? '',
  ];
}

export const providerAuditCommand: CliCommand = {
  path: ['provider', 'audit'],
  summary: 'List the audit trail (sign-ins, tokens, admin changes)',
  usage: `Usage: ssokit provider audit [--user NAME] [--since DATE] [--limit N] [--json] [--db URL]

Lists security-relevant events, oldest first: sign-ins (success or the reason of a refusal,
with the address and the client app's API key), "continue as", sign-outs, tokens issued and
redeemed, accounts and client apps added, removed or changed. Events are kept 90 days.

Options:
  --user NAME       only this user's events
  --since DATE      from this date or time (2026-11-30, 2026-11-30T12:00:00Z) or span (12h, 7d)
  --limit N         the most recent N events (default 1000)
  --json            one JSON object per line instead of a table
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        user: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        db: { type: 'string' },
      },
    });
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) {
      throw new UsageError('--limit must be a whole number from 1 to 1000000');
    }
    const since = values.since === undefined ? undefined : parseSince(values.since);
    const events = await withProviderDatabase(values, async (provider) => {
      if (provider.audit === undefined) throw new Error('the audit trail is off');
      return provider.audit.list({
        limit,
        ...(values.user === undefined ? {} : { username: values.user }),
        ...(since === undefined ? {} : { since }),
      });
    });
    if (values.json) {
      for (const event of events) io.out(JSON.stringify({ ...event, at: event.at.toISOString() }));
      return 0;
    }
    if (events.length === 0) {
      io.out('no audit events');
      return 0;
    }
    io.out(
      formatTable(['AT', 'ACTION', 'OUTCOME', 'USER', 'ADDRESS', 'API KEY', 'VIA/HOST'], events.map(row)),
    );
    return 0;
  },
};
