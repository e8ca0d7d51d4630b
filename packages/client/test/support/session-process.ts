// A client process of the read-cache tests (and of bench/session-coherence): the real client
// context over a shared session store, driven over IPC by the parent. Test code only.
import {
  cachedKeyValueStore,
  type KeyValueStore,
  keyValueStoreFromUrl,
  redisInvalidationChannel,
  redisKeyValueStore,
} from '@ssokit/stores';
import { Redis } from 'ioredis';
import { buildClientContext } from '../../src/client-context.ts';
import { resolveClientConfig } from '../../src/config/client-config.ts';
import { logout, lookupSession } from '../../src/session/session-flows.ts';

export type SessionProcessRequest =
  | { id: number; op: 'create'; userId: number }
  | { id: number; op: 'read'; token: string }
  | { id: number; op: 'logout'; token: string }
  | { id: number; op: 'removeUser'; userId: number };

export interface SessionProcessReply {
  id: number;
  token?: string;
  /** The username the session read gave, null when refused. */
  user?: string | null;
  /** Whether the read answered without a promise (a cache hit). */
  sync?: boolean;
  error?: string;
}

const url = process.env.TEST_STORE_URL ?? '';
const keyPrefix = process.env.TEST_KEY_PREFIX ?? 'test:';
const tableName = process.env.TEST_TABLE ?? 'ssokit_key_value';
// Redis only: the invalidation channel's connection goes to this port (a cuttable proxy),
// the store's own straight to Redis.
const channelPort = process.env.TEST_CHANNEL_PORT;
const cacheOff = process.env.TEST_CACHE === 'off';

function openStore(): KeyValueStore {
  if (channelPort === undefined) return keyValueStoreFromUrl(url, { keyPrefix, sql: { tableName } });
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const store = redisKeyValueStore({ client, keyPrefix });
  const connection = new Redis(Number(channelPort), '127.0.0.1', {
    autoResubscribe: false,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 50, 500),
  });
  return cachedKeyValueStore({
    store: { ...store, close: async () => client.disconnect() },
    ownsStore: true,
    channel: redisInvalidationChannel({ connection, keyPrefix }),
  });
}

const store = openStore();
const context = buildClientContext<Record<string, unknown>>(
  resolveClientConfig(
    {
      providerUrl: 'http://127.0.0.1:9',
      apiKey: 'test',
      secretKey: 'x'.repeat(32),
      sessionStore: store,
      userStorage: 'cache',
      readCache: cacheOff ? false : {},
      logger: { info() {}, warn() {}, error() {} } as never,
    },
    {},
  ),
);

async function handle(request: SessionProcessRequest): Promise<SessionProcessReply> {
  switch (request.op) {
    case 'create': {
      const user = { id: request.userId, username: `user${request.userId}`, extras: {} };
      await context.users.save(user);
      const { token } = await context.sessions.create(user);
      return { id: request.id, token };
    }
    case 'read': {
      const lookup = lookupSession(context, `ssokit_session=${request.token}`, {});
      const sync = !(lookup instanceof Promise);
      const { user, error } = await lookup;
      return { id: request.id, user: user?.username ?? null, sync, ...(error ? { error: error.code } : {}) };
    }
    case 'logout':
      await logout(context, { sessionToken: request.token });
      return { id: request.id };
    case 'removeUser':
      await context.sessions.invalidateUser(request.userId);
      await context.users.delete(request.userId);
      return { id: request.id };
  }
}

process.on('message', (request: SessionProcessRequest) => {
  handle(request).then(
    (reply) => process.send?.(reply),
    (error: unknown) => process.send?.({ id: request.id, error: String(error) }),
  );
});
process.on('disconnect', () => {
  void context
    .close()
    .then(() => store.close())
    .finally(() => process.exit(0));
});
process.send?.({ id: 0 });
