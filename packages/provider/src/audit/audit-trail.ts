import { runMigrations, type SqlDatabase } from '@ssokit/stores';
import type { Kysely } from 'kysely';
import type { ProviderLogger } from '../logging/provider-logger.ts';
import type { ProviderEvent, ProviderObserver } from '../observability/provider-events.ts';
import { auditInsert, type NewAuditRow } from './audit-insert.ts';
import {
  AUDIT_MIGRATION_TABLE,
  AUDIT_TABLE,
  AUDIT_WIDTHS,
  type AuditRow,
  type AuditSchema,
  auditMigrations,
} from './audit-schema.ts';
import { isoTimestamps } from './iso-timestamp.ts';

/** One security-relevant action, as `ssokit provider audit` lists it. */
export interface AuditEvent {
  id: number;
  at: Date;
  /** `sign_in`, `continue_as`, `sign_out`, `token_issued`, `account_added`, … */
  action: string;
  /** For sign-ins: `success`, `wrong_password`, `unknown_user`, `rate_limited`, … */
  outcome: string | null;
  username: string | null;
  address: string | null;
  /** The client app (its API key), where one was involved. */
  apiKey: string | null;
  /** `provider` (its own /login/) or `sso` (a client app's SSO page). */
  via: string | null;
  /** A client registration's host. */
  host: string | null;
}

export interface AuditQuery {
  username?: string;
  since?: Date;
  /** The most recent this many, oldest first. @default 1000 */
  limit?: number;
}

export interface AuditTrailOptions {
  /** How long events are kept, in days. @default 90 */
  retentionDays?: number;
  /** How often events older than the retention are deleted. @default 3600000 (an hour) */
  pruneIntervalMs?: number;
  /**
   * Events are written in batches, at most this long after they happened (a sign-in does not
   * wait for its audit row). `flush()` and `close()` write what is waiting.
   * @default 250
   */
  flushIntervalMs?: number;
}

export interface AuditTrail {
  readonly observer: ProviderObserver;
  migrate(): Promise<void>;
  list(query?: AuditQuery): Promise<AuditEvent[]>;
  /** Deletes events older than the retention; returns how many. */
  prune(): Promise<number>;
  /** Writes the events waiting in memory. */
  flush(): Promise<void>;
  /** Starts the periodic pruning (the server does; admin commands do not). */
  startPruning(): void;
  /** Writes what is waiting and stops the timers. */
  close(): Promise<void>;
}

/**
 * Signed calls are counted in the metrics, not audited one by one (two per login); so are the
 * failed deliveries of a logout notice (retried for a day): its delivery or giving up is audited.
 */
const NOT_AUDITED = new Set<ProviderEvent['type']>(['signed_call', 'logout_notice_failed']);
/**
 * Logged at debug: sign-ins, "continue as" and sign-outs have their own info or warn line
 * already (`event: "login"` / `"logout"`, with the same fields), and the two token events are
 * routine, two per login. A log line is a write to stderr (pino writes synchronously): three more
 * per login cost a quarter of a "continue as" login's CPU (bench/, section observability). Admin
 * changes are logged at info. Every event is in the table either way.
 */
const LOGGED_AT_DEBUG = new Set<ProviderEvent['type']>([
  'sign_in',
  'continue_as',
  'sign_out',
  'token_issued',
  'token_redeemed',
]);
const BATCH = 100;
/** What is kept in memory while the database is down; older events are dropped (and counted). */
const MAX_WAITING = 10_000;

type NewRow = NewAuditRow;

/**
 * Whether a debug line would be written: the line's object is only built then (pino's
 * `isLevelEnabled`; a logger without it writes every level it has).
 */
function debugEnabled(logger: ProviderLogger): boolean {
  if (logger.debug === undefined) return false;
  const withLevels = logger as { isLevelEnabled?: (level: string) => boolean };
  return typeof withLevels.isLevelEnabled === 'function' ? withLevels.isLevelEnabled('debug') : true;
}

function cut(value: string | null | undefined, width: number): string | null {
  if (value === undefined || value === null) return null;
  return value.length > width ? value.slice(0, width) : value;
}

function toRow(event: ProviderEvent, at: string): NewRow {
  const fields = event as Partial<
    Record<'outcome' | 'username' | 'address' | 'apiKey' | 'via' | 'host', string | null>
  >;
  return {
    at,
    action: event.type,
    outcome: cut(fields.outcome, AUDIT_WIDTHS.outcome),
    username: cut(fields.username, AUDIT_WIDTHS.username),
    address: cut(fields.address, AUDIT_WIDTHS.address),
    api_key: cut(fields.apiKey, AUDIT_WIDTHS.api_key),
    via: cut(fields.via, AUDIT_WIDTHS.via),
    host: cut(fields.host, AUDIT_WIDTHS.host),
  };
}

function fromRow(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    at: new Date(row.at),
    action: row.action,
    outcome: row.outcome,
    username: row.username,
    address: row.address,
    apiKey: row.api_key,
    via: row.via,
    host: row.host,
  };
}

/**
 * The audit trail: each security-relevant event becomes one JSON log line (`event: "audit"`;
 * at debug for those logged by their own line already, see above) at once and one row in SQL soon after (batched, so a sign-in never waits for it). Nothing in
 * an event is a password, secret or token (see `ProviderEvent`). While the database is down
 * rows wait in memory (up to 10,000) and are written when it is back.
 */
export function sqlAuditTrail(
  database: SqlDatabase<unknown>,
  logger: ProviderLogger,
  now: () => number,
  options: AuditTrailOptions = {},
): AuditTrail {
  const db = database.db as Kysely<AuditSchema>;
  const retentionMs = (options.retentionDays ?? 90) * 86_400_000;
  const pruneIntervalMs = options.pruneIntervalMs ?? 3_600_000;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  let waiting: NewRow[] = [];
  let dropped = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let failing = false;
  const insert = auditInsert(db, BATCH);
  const stamp = isoTimestamps();

  const write = async (): Promise<void> => {
    while (waiting.length > 0) {
      const batch = waiting.slice(0, BATCH);
      try {
        await insert(batch);
      } catch (error) {
        if (!failing) {
          failing = true;
          logger.warn(
            { event: 'audit_write_failed', waiting: waiting.length, err: sanitized(error) },
            'audit events wait in memory until the database answers',
          );
        }
        schedule(Math.max(flushIntervalMs, 1000));
        return;
      }
      waiting = waiting.slice(batch.length);
      if (failing) {
        failing = false;
        logger.info({ event: 'audit_write_resumed', dropped }, 'audit events written again');
        dropped = 0;
      }
    }
  };
  const flush = (): Promise<void> => {
    if (flushTimer !== undefined) clearTimeout(flushTimer);
    flushTimer = undefined;
    writing ??= write().finally(() => {
      writing = undefined;
    });
    return writing;
  };
  const schedule = (delayMs: number) => {
    if (flushTimer !== undefined) return;
    flushTimer = setTimeout(() => void flush(), delayMs);
    flushTimer.unref();
  };
  const prune = async (): Promise<number> => {
    const cutoff = new Date(now() - retentionMs).toISOString();
    const result = await db.deleteFrom(AUDIT_TABLE).where('at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  };

  return {
    observer: {
      event(event) {
        if (NOT_AUDITED.has(event.type)) return;
        const row = toRow(event, stamp(now()));
        if (!LOGGED_AT_DEBUG.has(event.type)) {
          logger.info({ event: 'audit', ...withoutNulls(row) }, event.type.replaceAll('_', ' '));
        } else if (debugEnabled(logger)) {
          logger.debug?.({ event: 'audit', ...withoutNulls(row) }, event.type.replaceAll('_', ' '));
        }
        if (waiting.length >= MAX_WAITING) {
          waiting.shift();
          dropped++;
        }
        waiting.push(row);
        if (waiting.length >= BATCH) void flush();
        else schedule(flushIntervalMs);
      },
    },
    async migrate() {
      await runMigrations(
        database.db as Kysely<unknown>,
        auditMigrations(database.dialect),
        AUDIT_MIGRATION_TABLE,
      );
    },
    async list(query = {}) {
      let select = db.selectFrom(AUDIT_TABLE).selectAll();
      if (query.username !== undefined) select = select.where('username', '=', query.username);
      if (query.since !== undefined) select = select.where('at', '>=', query.since.toISOString());
      const rows = await select
        .orderBy('id', 'desc')
        .limit(query.limit ?? 1000)
        .execute();
      return rows.reverse().map(fromRow);
    },
    prune,
    flush,
    startPruning() {
      if (pruneTimer !== undefined) return;
      const run = () =>
        void prune().then(
          (count) => {
            if (count > 0) logger.info({ event: 'audit_pruned', count }, 'old audit events deleted');
          },
          (error: unknown) =>
            logger.warn({ event: 'audit_prune_failed', err: sanitized(error) }, 'audit pruning failed'),
        );
      run();
      pruneTimer = setInterval(run, pruneIntervalMs);
      pruneTimer.unref();
    },
    async close() {
      if (pruneTimer !== undefined) clearInterval(pruneTimer);
      pruneTimer = undefined;
      await flush();
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
    },
  };
}

function withoutNulls(row: NewRow): Partial<NewRow> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
}

function sanitized(error: unknown): { name: string; message: string; code?: unknown } {
  const message = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
  return {
    name: error instanceof Error ? error.name : 'Error',
    message,
    code: (error as { code?: unknown })?.code,
  };
}
