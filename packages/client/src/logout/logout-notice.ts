import {
  hasBodyWithoutLength,
  isSsoError,
  SignedRequestVerifier,
  staticApiKeySource,
  wireErrorJson,
} from '@ssokit/protocol';
import type { KeyValueStore } from '@ssokit/stores';
import type { ClientContext } from '../client-context.ts';
import { describeError } from '../logging/sso-logger.ts';

/** A request to the logout notice path, as any framework can give it. */
export interface LogoutNoticeRequest {
  method: string;
  /** The path as received, without the query. */
  path: string;
  /** The query as received, without `?`, not decoded. */
  rawQuery: string;
  /** Header names in lower case (Node's `req.headers` fits). */
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body bytes, when read; a notice has none. */
  body?: string | Uint8Array | undefined;
}

/** The answer to send back, unchanged. */
export interface LogoutNoticeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A notice that claims to live longer than this is refused: notices are short-lived. */
const MAX_NOTICE_LIFETIME_SECONDS = 3600;
/** How long a handled notice id is remembered; the provider retries for a day. */
const SEEN_NOTICE_TTL_SECONDS = 2 * 86_400;
const NOTICE_ID = /^[0-9a-f]{32}$/;
const SIGN_IN_ID = /^[0-9a-f]{64}$/;
const USER_ID = /^[\x21-\x7e]{1,128}$/;

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function answer(status: number, body: string, extra: Record<string, string> = {}): LogoutNoticeAnswer {
  return { status, headers: { ...JSON_HEADERS, ...extra }, body };
}

/** Prefixes the verifier's replay keys, so they cannot meet a session's key. */
function replayStoreOf(store: KeyValueStore) {
  return {
    add: (key: string, value: string, ttlSeconds: number) =>
      store.add(`ssokit_logout_replay:${key}`, value, ttlSeconds),
  };
}

/** The one-of-each parameters of a verified notice, or the reason it is malformed. */
function noticeParams(params: ReadonlyArray<readonly [string, string]>): Map<string, string> | string {
  const found = new Map<string, string>();
  for (const [name, value] of params) {
    if (found.has(name)) return `repeated parameter ${name}`;
    found.set(name, value);
  }
  if (!NOTICE_ID.test(found.get('notice') ?? '')) return 'notice must be 32 hex characters';
  if (!USER_ID.test(found.get('user_id') ?? '')) return 'user_id is missing or malformed';
  if (!/^\d{1,12}$/.test(found.get('expires') ?? '')) return 'expires must be UNIX seconds';
  const signIn = found.get('sign_in');
  if (signIn !== undefined && !SIGN_IN_ID.test(signIn)) return 'sign_in must be 64 hex characters';
  return found;
}

export type LogoutNoticeHandler = (request: LogoutNoticeRequest) => Promise<LogoutNoticeAnswer>;

/**
 * The client's half of back-channel single logout, framework-free: the provider POSTs a notice
 * signed with this app's key and secret (dj-api-auth), naming an account and, where known, the
 * sign-in (`sign_in`, the digest of the auth token this app redeemed). The sign-in's session
 * ends, or with no `sign_in` every session of the account (a new session epoch), on any store.
 * A notice for a session that is gone is a success (200), and so is a notice id already handled
 * (the provider's retries). Refused, and logged: other methods (405), unsigned, badly signed,
 * other-key and replayed calls (the verifier's 4xx), expired notices (403), malformed ones
 * (400); a store that is down answers 503, so the provider retries.
 */
export function logoutNoticeHandler<Extras extends object>(
  context: ClientContext<Extras>,
): LogoutNoticeHandler {
  const { config, logger, sessions, sessionStore } = context;
  const path = config.logoutNoticePath;
  const verifier = new SignedRequestVerifier({
    apiKeys: staticApiKeySource([
      { apiKey: config.apiKey, secrets: [config.secretKey], allowedEndpoints: [path] },
    ]),
    // A notice is single-use: the same signed call twice is a replay (the provider's retries are
    // signed anew, with the same notice id).
    identicalCalls: 'refuse',
    replayStore: replayStoreOf(sessionStore),
  });
  const seenKey = (noticeId: string) => `ssokit_logout_notice:${noticeId}`;

  const refuse = (status: number, text: string, details: Record<string, unknown>) => {
    logger.warn(
      { event: 'logout_notice', outcome: 'refused', status, why: text, ...details },
      'refused a logout notice',
    );
    return answer(status, wireErrorJson(text), status === 405 ? { allow: 'POST' } : {});
  };

  return async (request) => {
    if (request.method !== 'POST')
      return refuse(405, 'method not allowed', { method: request.method.slice(0, 16) });
    if (request.path !== path) return refuse(404, 'not found', {});
    let params: Map<string, string>;
    try {
      const call = await verifier.verify({
        path: request.path,
        rawQuery: request.rawQuery,
        ...(request.body === undefined ? {} : { body: request.body }),
        chunked: request.headers === undefined ? false : hasBodyWithoutLength(request.headers),
      });
      const parsed = noticeParams(call.params);
      if (typeof parsed === 'string') return refuse(400, parsed, {});
      params = parsed;
    } catch (error) {
      if (!isSsoError(error)) throw error;
      if (error.status >= 500) {
        logger.error(
          { event: 'logout_notice', err: describeError(error) },
          'could not check a logout notice',
        );
        return answer(503, wireErrorJson('service unavailable'));
      }
      return refuse(error.status, error.wireMessage, { code: error.code });
    }
    const noticeId = params.get('notice') as string;
    const userId = params.get('user_id') as string;
    const signIn = params.get('sign_in');
    const expires = Number(params.get('expires'));
    const nowSeconds = Date.now() / 1000;
    if (expires < nowSeconds) return refuse(403, 'notice expired', { notice: noticeId });
    if (expires > nowSeconds + MAX_NOTICE_LIFETIME_SECONDS) {
      return refuse(400, 'notice lives too long', { notice: noticeId });
    }
    const details = {
      event: 'logout_notice',
      notice: noticeId,
      userId,
      reason: params.get('reason') ?? null,
    };
    try {
      if ((await sessionStore.get(seenKey(noticeId))) !== undefined) {
        logger.info({ ...details, outcome: 'already_done' }, 'logout notice seen before');
        return answer(200, '{"ended": 0, "repeated": true}');
      }
      let ended: number;
      if (signIn !== undefined) {
        ended = (await sessions.endSignIn(signIn)) ? 1 : 0;
      } else {
        // Every session of the account, however many, in one write (its session epoch).
        await sessions.invalidateUser(userId);
        ended = -1;
      }
      // Remembered after the work: a failure in between makes the provider send it again.
      await sessionStore.set(seenKey(noticeId), '1', SEEN_NOTICE_TTL_SECONDS);
      logger.info(
        {
          ...details,
          outcome: 'done',
          scope: signIn === undefined ? 'account' : 'sign-in',
          ended: Math.max(ended, 0),
        },
        'logout notice handled',
      );
      return answer(200, signIn === undefined ? '{"ended": "all"}' : `{"ended": ${ended}}`);
    } catch (error) {
      context.sessionStoreOutage.failed(error);
      return answer(503, wireErrorJson('service unavailable'));
    }
  };
}
