import { signRequest } from '@ssokit/protocol';
import type { Kysely } from 'kysely';
import type { ProviderSchema } from '../accounts/account-schema.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ProviderLogger } from '../logging/provider-logger.ts';
import { LOGOUT_OUTBOX_TABLE, type LogoutOutboxRow } from './logout-schema.ts';

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
}

export interface LogoutNoticeSenderDeps {
  db: Kysely<ProviderSchema>;
  clients: ClientRegistry;
  logger: ProviderLogger;
  /** Epoch milliseconds. */
  now: () => number;
  fetch?: typeof fetch;
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
  const deliver = async (row: OutboxEntry): Promise<string | undefined | 'gone'> => {
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
      return response.status >= 200 && response.status < 300 ? undefined : `answered ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : `unreachable (${cause ?? (error as Error).name})`;
    }
  };

  const settle = async (row: OutboxEntry, outcome: string | undefined, round: SendRound) => {
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
      if (outcome === undefined) {
        round.sent++;
        logger.info({ ...details, outcome: 'delivered' }, 'logout notice delivered');
      } else {
        round.gaveUp++;
        logger.warn(
          { ...details, outcome: 'no_logout_url' },
          'logout notice dropped: the client has no logout URL now',
        );
      }
      return;
    }
    if (now() - row.created_at >= retryForMs) {
      await db.deleteFrom(LOGOUT_OUTBOX_TABLE).where('notice_id', '=', row.notice_id).execute();
      round.gaveUp++;
      logger.error(
        { ...details, outcome: 'abandoned', why: outcome },
        'logout notice given up after retrying',
      );
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
      { ...details, outcome: 'retry', why: outcome, retryInMs: wait },
      'logout notice not delivered, will retry',
    );
  };

  const runOnce = async (): Promise<SendRound> => {
    const round: SendRound = { sent: 0, failed: 0, gaveUp: 0 };
    const claimed = await claimDue();
    await Promise.all(claimed.map(async (row) => settle(row, await deliver(row), round)));
    return round;
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let outageLogged = false;
  const tick = () => {
    running = runOnce()
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
  };
}
