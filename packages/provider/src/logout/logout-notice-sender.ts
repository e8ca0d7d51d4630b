import { signRequest } from '@ssokit/protocol';
import type { Kysely } from 'kysely';
import type { ProviderSchema } from '../accounts/account-schema.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ProviderLogger } from '../logging/provider-logger.ts';
import type { LogoutNoticeFailure, ProviderEvents } from '../observability/provider-events.ts';
import { CLIENT_SIGN_INS_TABLE, LOGOUT_OUTBOX_TABLE, type LogoutOutboxRow } from './logout-schema.ts';

export interface LogoutNoticeSenderOptions {
  /**
   * How often the outbox is looked at, in milliseconds.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Deadline of one delivery (connect, send, answer), in milliseconds.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * How long an undelivered notice is retried before it is given up (logged as an error).
   * @default 86400000 (a day)
   */
  retryForMs?: number;
  /**
   * The wait after the first failed delivery; it doubles with each failure.
   * @default 1000
   */
  firstRetryMs?: number;
  /**
   * The longest wait between two deliveries of one notice.
   * @default 600000 (10 minutes)
   */
  maxRetryMs?: number;
  /**
   * Notices sent at once by one sender.
   * @default 20
   */
  batchSize?: number;
  /**
   * How long a notice stays valid at the client after it is sent, in seconds.
   * @default 300
   */
  noticeTtlSeconds?: number;
  /**
   * How long a sign-in record (which client got which sign-in, kept to end it later) is kept.
   * The provider does not know how long a client app keeps its session; Django's default is two
   * weeks, the provider session's too. A client session older than this gets no notice when its
   * provider session ends (an account-wide notice, for a password change, deactivation or
   * removal, reaches it still).
   * @default 2592000000 (30 days)
   */
  signInRetentionMs?: number;
  /**
   * How often old sign-in records are deleted.
   * @default 3600000 (an hour)
   */
  pruneIntervalMs?: number;
}

export interface LogoutNoticeSenderDeps {
  db: Kysely<ProviderSchema>;
  clients: ClientRegistry;
  logger: ProviderLogger;
  /** Epoch milliseconds. */
  now: () => number;
  fetch?: typeof fetch;
  /** Where deliveries and give-ups are told (metrics, the audit trail). */
  events?: ProviderEvents;
  /** The account's username for the audit trail; undefined when it is gone. */
  usernameOf?: (userId: number) => Promise<string | undefined>;
  /** A monotonic clock in seconds, for delivery times. @default performance.now() / 1000 */
  seconds?: () => number;
}

export interface SendRound {
  sent: number;
  failed: number;
  gaveUp: number;
}

/** Delivers the outbox's logout notices; one per provider process, any number of processes. */
export interface LogoutNoticeSender {
  /** Starts polling (idempotent); the timer does not keep the process alive. */
  start(): void;
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
  /** One round: claims the due notices and delivers them. */
  runOnce(): Promise<SendRound>;
  /** Deletes sign-in records older than `signInRetentionMs`; returns how many. */
  prune(): Promise<number>;
}

/** Why one delivery failed, for the log (`why`) and, bounded, for the metrics (`kind`). */
interface DeliveryFailure {
  why: string;
  kind: LogoutNoticeFailure;
}

type OutboxEntry = Omit<LogoutOutboxRow, 'created_at' | 'next_attempt_at'> & {
  created_at: number;
  next_attempt_at: number;
};

function normalized(row: LogoutOutboxRow): OutboxEntry {
  return {
    ...row,
    user_id: Number(row.user_id),
    attempts: Number(row.attempts),
    created_at: Number(row.created_at),
    next_attempt_at: Number(row.next_attempt_at),
  };
}

/**
 * The outbox's sender. Each notice is claimed with a compare-and-set on its row (`UPDATE ...
 * WHERE notice_id = ? AND next_attempt_at = <as read> AND attempts = <as read>`): of several
 * processes only one changes the row, on SQLite, PostgreSQL and MySQL/MariaDB alike, without
 * locks held across the delivery. The claim moves `next_attempt_at` past the delivery's
 * deadline, so a sender that dies mid-delivery leaves the notice to another one later. A
 * delivered notice is deleted; a failed one waits (1 s, doubling, at most `maxRetryMs`) and is
 * given up after `retryForMs`. A notice can be delivered twice (a crash between the client's
 * answer and the delete); the client treats a notice id it has seen as done.
 */
export function logoutNoticeSender(
  deps: LogoutNoticeSenderDeps,
  options: LogoutNoticeSenderOptions = {},
): LogoutNoticeSender {
  const { db, clients, logger, now } = deps;
  const send = deps.fetch ?? fetch;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const retryForMs = options.retryForMs ?? 86_400_000;
  const firstRetryMs = options.firstRetryMs ?? 1000;
  const maxRetryMs = options.maxRetryMs ?? 600_000;
  const batchSize = options.batchSize ?? 20;
  const noticeTtlSeconds = options.noticeTtlSeconds ?? 300;
  const signInRetentionMs = options.signInRetentionMs ?? 2_592_000_000;
  const pruneIntervalMs = options.pruneIntervalMs ?? 3_600_000;
  const events = deps.events;
  const seconds = deps.seconds ?? (() => performance.now() / 1000);
  // A claim outlasts the delivery's deadline, so no other sender takes a notice in flight.
  const claimMs = timeoutMs + 30_000;

  const claimDue = async (): Promise<OutboxEntry[]> => {
    const at = now();
    const due = await db
      .selectFrom(LOGOUT_OUTBOX_TABLE)
      .selectAll()
      .where('next_attempt_at', '<=', at)
      .orderBy('next_attempt_at')
      .limit(batchSize)
      .execute();
    const claimed: OutboxEntry[] = [];
    for (const raw of due) {
      const row = normalized(raw);
      const result = await db
        .updateTable(LOGOUT_OUTBOX_TABLE)
        .set({ next_attempt_at: at + claimMs, attempts: row.attempts + 1 })
        .where('notice_id', '=', row.notice_id)
        .where('next_attempt_at', '=', row.next_attempt_at)
        .where('attempts', '=', row.attempts)
        .executeTakeFirst();
      if (BigInt(result.numUpdatedRows) === 1n) claimed.push({ ...row, attempts: row.attempts + 1 });
    }
    return claimed;
  };

  /** Delivers one notice: undefined when the client answered 2xx, else why not. */
  const deliver = async (row: OutboxEntry): Promise<DeliveryFailure | undefined | 'gone'> => {
    const client = await clients.findApiKey(row.api_key);
    const secret = client?.secrets[0];
    if (client === undefined || secret === undefined || !client.logoutUrl) return 'gone';
    const url = new URL(client.logoutUrl);
    const params: [string, string][] = [
      ['notice', row.notice_id],
      ['user_id', String(row.user_id)],
      ['reason', row.reason],
      ['expires', String(Math.floor(now() / 1000) + noticeTtlSeconds)],
    ];
    if (row.auth_digest !== null) params.push(['sign_in', row.auth_digest]);
    const signed = signRequest({
      apiKey: row.api_key,
      secretKey: secret,
      path: `${url.pathname}${url.search}`,
      params,
    });
    try {
      const response = await send(`${url.origin}${signed.pathWithQuery}`, {
        method: 'POST',
        headers: { 'content-length': '0' },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => {});
      return response.status >= 200 && response.status < 300
        ? undefined
        : { why: `answered ${response.status}`, kind: 'refused' };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return (error as Error).name === 'TimeoutError'
        ? { why: `no answer within ${timeoutMs} ms`, kind: 'timeout' }
        : { why: `unreachable (${cause ?? (error as Error).name})`, kind: 'unreachable' };
    }
  };

  /** The account's name for an audit event: looked up only when somebody listens. */
  const usernameOf = async (userId: number): Promise<string | null> => {
    if (events?.observed !== true || deps.usernameOf === undefined) return null;
    return (await deps.usernameOf(userId).catch(() => undefined)) ?? null;
  };

  const settle = async (
    row: OutboxEntry,
    outcome: DeliveryFailure | undefined | 'gone',
    took: number,
    round: SendRound,
  ) => {
    const details = {
      event: 'logout_notice',
      notice: row.notice_id,
      apiKey: row.api_key,
      userId: row.user_id,
      reason: row.reason,
      attempt: row.attempts,
    };
    if (outcome === undefined || outcome === 'gone') {
      await db.deleteFrom(LOGOUT_OUTBOX_TABLE).where('notice_id', '=', row.notice_id).execute();
      const username = await usernameOf(row.user_id);
      if (outcome === undefined) {
        round.sent++;
        logger.info({ ...details, outcome: 'delivered' }, 'logout notice delivered');
        events?.emit({ type: 'logout_notice_delivered', apiKey: row.api_key, username, seconds: took });
      } else {
        round.gaveUp++;
        logger.warn(
          { ...details, outcome: 'no_logout_url' },
          'logout notice dropped: the client has no logout URL now',
        );
        events?.emit({
          type: 'logout_notice_given_up',
          apiKey: row.api_key,
          username,
          outcome: 'no_logout_url',
        });
      }
      return;
    }
    events?.emit({ type: 'logout_notice_failed', apiKey: row.api_key, outcome: outcome.kind, seconds: took });
    if (now() - row.created_at >= retryForMs) {
      await db.deleteFrom(LOGOUT_OUTBOX_TABLE).where('notice_id', '=', row.notice_id).execute();
      round.gaveUp++;
      logger.error(
        { ...details, outcome: 'abandoned', why: outcome.why },
        'logout notice given up after retrying',
      );
      events?.emit({
        type: 'logout_notice_given_up',
        apiKey: row.api_key,
        username: await usernameOf(row.user_id),
        outcome: 'retry_window_over',
      });
      return;
    }
    const wait = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.min(row.attempts - 1, 30));
    await db
      .updateTable(LOGOUT_OUTBOX_TABLE)
      .set({ next_attempt_at: now() + wait })
      .where('notice_id', '=', row.notice_id)
      .execute();
    round.failed++;
    logger.warn(
      { ...details, outcome: 'retry', why: outcome.why, retryInMs: wait },
      'logout notice not delivered, will retry',
    );
  };

  const runOnce = async (): Promise<SendRound> => {
    const round: SendRound = { sent: 0, failed: 0, gaveUp: 0 };
    const claimed = await claimDue();
    await Promise.all(
      claimed.map(async (row) => {
        const started = seconds();
        const outcome = await deliver(row);
        await settle(row, outcome, seconds() - started, round);
      }),
    );
    return round;
  };

  /**
   * One statement, so it is atomic, and idempotent, so several provider processes can each run
   * it (the later ones delete nothing). Delivered and given-up notices leave the outbox at once.
   */
  const prune = async (): Promise<number> => {
    const result = await db
      .deleteFrom(CLIENT_SIGN_INS_TABLE)
      .where('issued_at', '<', now() - signInRetentionMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  };
  let lastPruned = Number.NEGATIVE_INFINITY;
  /** Prunes at most every `pruneIntervalMs`, in the poll loop (its errors are the loop's). */
  const pruneWhenDue = async () => {
    if (now() - lastPruned < pruneIntervalMs) return;
    lastPruned = now();
    const count = await prune();
    if (count > 0) logger.info({ event: 'sign_ins_pruned', count }, 'old sign-in records deleted');
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let outageLogged = false;
  const tick = () => {
    running = pruneWhenDue()
      .then(runOnce)
      .then(
        () => {
          outageLogged = false;
        },
        (error: unknown) => {
          // The database is down or stalled: the notices wait in the outbox; logged once per outage.
          if (!outageLogged)
            logger.warn({ event: 'logout_notice', err: error }, 'logout outbox unreadable, will retry');
          outageLogged = true;
        },
      )
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, pollIntervalMs).unref();
      });
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(tick, 0).unref();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
    runOnce,
    prune,
  };
}
