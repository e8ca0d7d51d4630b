import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { signRequest } from '@ssokit/protocol';
import { memoryKeyValueStore } from '@ssokit/stores';
import { buildClientContext } from '../client-context.ts';
import { resolveClientConfig } from '../config/client-config.ts';
import { logoutNoticeHandler } from './logout-notice.ts';
import { signInIdOf } from './sign-in-id.ts';

const API_KEY = 'app-key';
const SECRET = 'app-secret-0123456789';
const PATH = '/myssoclient/logout/';
const user1 = { id: 1, username: 'user1', extras: {} };
const user2 = { id: 2, username: 'user2', extras: {} };

function setup() {
  const warnings: unknown[] = [];
  const logger = { info() {}, error() {}, warn: (details: unknown) => warnings.push(details) };
  const context = buildClientContext<Record<string, unknown>>(
    resolveClientConfig(
      {
        providerUrl: 'http://127.0.0.1:9',
        apiKey: API_KEY,
        secretKey: SECRET,
        sessionStore: memoryKeyValueStore(),
        userStorage: 'cache',
        logger,
      },
      {},
    ),
  );
  return { context, handle: logoutNoticeHandler(context), warnings };
}

/** A notice as the provider signs it; the parameters can be changed to make a bad one. */
function notice(
  params: Record<string, string | undefined>,
  signing: { apiKey?: string; secret?: string; path?: string } = {},
) {
  const all: Record<string, string | undefined> = {
    notice: randomBytes(16).toString('hex'),
    user_id: '1',
    reason: 'provider-logout',
    expires: String(Math.floor(Date.now() / 1000) + 300),
    ...params,
  };
  const signed = signRequest({
    apiKey: signing.apiKey ?? API_KEY,
    secretKey: signing.secret ?? SECRET,
    path: signing.path ?? PATH,
    params: Object.entries(all).filter((pair): pair is [string, string] => pair[1] !== undefined),
  });
  const [path, rawQuery] = signed.pathWithQuery.split('?') as [string, string];
  return { method: 'POST', path, rawQuery, headers: { 'content-length': '0' } };
}

const signInId = () => signInIdOf(randomBytes(32).toString('hex'));

describe('logout notices (client)', () => {
  it('a sign-in notice ends that session only, and a repeat of it is a success that ends nothing new', async () => {
    const { context, handle } = setup();
    const first = signInId();
    const a = await context.sessions.create(user1, { signInId: first });
    const b = await context.sessions.create(user1, { signInId: signInId() });
    const other = await context.sessions.create(user2, { signInId: signInId() });
    const sent = notice({ sign_in: first });
    const answer = await handle(sent);
    assert.equal(answer.status, 200, answer.body);
    assert.equal(await context.sessions.read(a.token), undefined);
    assert.ok(await context.sessions.read(b.token));
    assert.ok(await context.sessions.read(other.token));
    // The provider's retry: the same notice id, signed anew.
    const again = await handle(
      notice({ sign_in: first, notice: new URLSearchParams(sent.rawQuery).get('notice') as string }),
    );
    assert.equal(again.status, 200);
    assert.match(again.body, /repeated/);
  });

  it('an account notice ends every session of the account and no other; its repeat spares later sessions', async () => {
    const { context, handle } = setup();
    const a = await context.sessions.create(user1);
    const b = await context.sessions.create(user1, { signInId: signInId() });
    const other = await context.sessions.create(user2);
    const noticeId = randomBytes(16).toString('hex');
    assert.equal((await handle(notice({ notice: noticeId, reason: 'deactivated' }))).status, 200);
    assert.equal(await context.sessions.read(a.token), undefined);
    assert.equal(await context.sessions.read(b.token), undefined);
    assert.ok(await context.sessions.read(other.token));
    const later = await context.sessions.create(user1);
    assert.equal((await handle(notice({ notice: noticeId, reason: 'deactivated' }))).status, 200);
    assert.ok(await context.sessions.read(later.token), 'a retried notice must not end a newer session');
  });

  it('a notice for a session it no longer has is a success', async () => {
    const { handle } = setup();
    const answer = await handle(notice({ sign_in: signInId() }));
    assert.equal(answer.status, 200);
    assert.equal(answer.body, '{"ended": 0}');
  });

  it('refuses unsigned, replayed, expired, other-key, wrongly signed and malformed notices, and logs them', async () => {
    const { context, handle, warnings } = setup();
    const kept = await context.sessions.create(user1, { signInId: signInId() });
    const unsigned = notice({});
    unsigned.rawQuery = unsigned.rawQuery.replace(/&signature=.*$/, '');
    assert.equal((await handle(unsigned)).status, 403);
    const once = notice({ sign_in: signInId() });
    assert.equal((await handle(once)).status, 200);
    assert.equal((await handle(once)).status, 403, 'the same signed call twice is a replay');
    const expired = notice({ expires: String(Math.floor(Date.now() / 1000) - 1) });
    assert.equal((await handle(expired)).status, 403);
    assert.equal(
      (await handle(notice({ expires: String(Math.floor(Date.now() / 1000) + 86_400) }))).status,
      400,
    );
    assert.equal((await handle(notice({}, { apiKey: 'other-key' }))).status, 403);
    assert.equal((await handle(notice({}, { secret: 'another-secret-0123456789' }))).status, 403);
    assert.equal((await handle(notice({ notice: 'short' }))).status, 400);
    assert.equal((await handle(notice({ sign_in: 'xyz' }))).status, 400);
    assert.equal((await handle(notice({ user_id: undefined }))).status, 400);
    assert.equal((await handle(notice({}, { path: '/elsewhere/' }))).status, 404);
    const get = await handle({ ...notice({}), method: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.ok(await context.sessions.read(kept.token), 'no refused notice ended a session');
    assert.ok(warnings.length >= 11);
  });
});
