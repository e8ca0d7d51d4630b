import type { Kysely } from 'kysely';
import type { ProviderSchema } from '../accounts/account-schema.ts';
import type { SessionsEndHook } from '../accounts/account-store.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { randomHexToken, tokenDigest } from '../tokens/random-token.ts';
import { CLIENT_SIGN_INS_TABLE, LOGOUT_OUTBOX_TABLE, type LogoutOutboxRow } from './logout-schema.ts';

/** Why a client session ends (the notice's `reason`). */
export type LogoutReason =
  | 'provider-logout'
  | 'removed'
  | 'deactivated'
  | 'password-changed'
  | 'admin-logout';

export interface RecordSignInInput {
  /** The auth token handed to the client (only its digest is kept). */
  authToken: string;
  apiKey: string;
  userId: number;
  /** The provider session's cookie token, for a "continue as" sign-in. */
  providerSessionToken?: string | undefined;
}

/**
 * Back-channel single logout, the provider's half: which client got which sign-in, and the
 * outbox of logout notices (sent by `logoutNoticeSender`).
 */
export interface SingleLogout {
  /** Records an auth token handed to a client app; called before the browser is sent back. */
  recordSignIn(input: RecordSignInInput): Promise<void>;
  /** For the account store: notices for every client with a logout URL, in the change's transaction. */
  readonly onSessionsEnd: SessionsEndHook;
  /**
   * The provider session of this cookie token ends: queues a notice for each client session that
   * came from it ("continue as" sign-ins). Returns the number of notices queued.
   */
  endProviderSession(sessionToken: string): Promise<number>;
  /** Ends every session of an account in every client app (an administrator's "log out everywhere"). */
  endAccountSessions(userId: number, reason?: LogoutReason): Promise<number>;
  /** Notices not yet delivered (for metrics). */
  pendingNotices(): Promise<number>;
}

export interface SingleLogoutOptions {
  db: Kysely<ProviderSchema>;
  clients: ClientRegistry;
  /** Every registration, when they are in SQL (a static registry has no list). */
  listClients?: (() => Promise<ReadonlyArray<{ apiKey: string; logoutUrl?: string | null }>>) | undefined;
  /** Epoch milliseconds. */
  now: () => number;
}

/** 128 random bits as hex; the client remembers it to treat a repeated delivery as done. */
export function newNoticeId(): string {
  return randomHexToken(16);
}

export function singleLogout(options: SingleLogoutOptions): SingleLogout {
  const { db, clients, now } = options;

  const hasLogoutUrl = async (apiKey: string): Promise<boolean> => {
    const client = await clients.findApiKey(apiKey);
    return typeof client?.logoutUrl === 'string' && client.logoutUrl !== '';
  };

  const outboxRow = (apiKey: string, userId: number, authDigest: string | null, reason: LogoutReason) => {
    const at = now();
    return {
      notice_id: newNoticeId(),
      api_key: apiKey,
      user_id: userId,
      auth_digest: authDigest,
      reason,
      created_at: at,
      attempts: 0,
      next_attempt_at: at,
    } satisfies LogoutOutboxRow;
  };

  /** The clients (with a logout URL) an account's sessions may live in; read outside transactions. */
  const clientsOfAccount = async (userId: number): Promise<string[]> => {
    const keys = new Set<string>();
    for (const client of (await options.listClients?.()) ?? []) {
      if (typeof client.logoutUrl === 'string' && client.logoutUrl !== '') keys.add(client.apiKey);
    }
    const signedIn = await db
      .selectFrom(CLIENT_SIGN_INS_TABLE)
      .select('api_key')
      .distinct()
      .where('user_id', '=', userId)
      .execute();
    for (const { api_key } of signedIn)
      if (!keys.has(api_key) && (await hasLogoutUrl(api_key))) keys.add(api_key);
    return [...keys];
  };

  /** Writes the account-wide notices in `transaction`; its sign-in records are done with. */
  const writeAccountNotices = async (
    transaction: Kysely<ProviderSchema>,
    userId: number,
    apiKeys: readonly string[],
    reason: LogoutReason,
  ) => {
    if (apiKeys.length > 0) {
      await transaction
        .insertInto(LOGOUT_OUTBOX_TABLE)
        .values(apiKeys.map((apiKey) => outboxRow(apiKey, userId, null, reason)))
        .execute();
    }
    await transaction.deleteFrom(CLIENT_SIGN_INS_TABLE).where('user_id', '=', userId).execute();
  };

  const queueForProviderSession = async (sessionDigest: string): Promise<number> => {
    const signIns = await db
      .selectFrom(CLIENT_SIGN_INS_TABLE)
      .select(['auth_digest', 'api_key', 'user_id'])
      .where('provider_session', '=', sessionDigest)
      .execute();
    if (signIns.length === 0) return 0;
    const notices: LogoutOutboxRow[] = [];
    for (const signIn of signIns) {
      if (await hasLogoutUrl(signIn.api_key)) {
        notices.push(
          outboxRow(signIn.api_key, Number(signIn.user_id), signIn.auth_digest, 'provider-logout'),
        );
      }
    }
    await db.transaction().execute(async (transaction) => {
      if (notices.length > 0) await transaction.insertInto(LOGOUT_OUTBOX_TABLE).values(notices).execute();
      await transaction
        .deleteFrom(CLIENT_SIGN_INS_TABLE)
        .where(
          'auth_digest',
          'in',
          signIns.map((signIn) => signIn.auth_digest),
        )
        .execute();
    });
    return notices.length;
  };

  return {
    async recordSignIn(input) {
      await db
        .insertInto(CLIENT_SIGN_INS_TABLE)
        .values({
          auth_digest: tokenDigest(input.authToken),
          api_key: input.apiKey,
          user_id: input.userId,
          provider_session:
            input.providerSessionToken === undefined ? null : tokenDigest(input.providerSessionToken),
          issued_at: now(),
        })
        .execute();
    },

    async onSessionsEnd(userId, reason) {
      const apiKeys = await clientsOfAccount(userId);
      return async (transaction) =>
        writeAccountNotices(transaction as unknown as Kysely<ProviderSchema>, userId, apiKeys, reason);
    },

    async endProviderSession(sessionToken) {
      return queueForProviderSession(tokenDigest(sessionToken));
    },

    async endAccountSessions(userId, reason = 'admin-logout') {
      const apiKeys = await clientsOfAccount(userId);
      await db
        .transaction()
        .execute((transaction) => writeAccountNotices(transaction, userId, apiKeys, reason));
      return apiKeys.length;
    },

    async pendingNotices() {
      const row = await db
        .selectFrom(LOGOUT_OUTBOX_TABLE)
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirst();
      return Number(row?.count ?? 0);
    },
  };
}
