import { Writable } from 'node:stream';
import { ensureAccount, ensureClient, serveProvider } from '@ssokit/provider';
import { pino } from 'pino';
import { API_KEY, SECRET_KEY } from './fixtures.ts';
import { describeSignInAgainst, type ProviderUnderTest } from './sign-in-cases.ts';
import { FRAMEWORKS } from './test-app.ts';

async function startSsokitProvider(): Promise<ProviderUnderTest> {
  const running = await serveProvider({
    port: 0,
    database: 'sqlite::memory:',
    passwordHashing: { memoryCost: 1024, timeCost: 1 },
    logger: pino({ level: 'warn' }, new Writable({ write: (_chunk, _encoding, done) => done() })),
  });
  const { provider } = running;
  const accounts: [string, string, string][] = [
    ['user1', '123', 'One'],
    ['user2', '456', 'Two'],
    ['carol', '789', 'Three'],
  ];
  for (const [username, password, lastName] of accounts) {
    await ensureAccount(provider.accounts, {
      username,
      password,
      firstName: 'User',
      lastName,
      email: `${username}@example.com`,
    });
  }
  return {
    url: running.url,
    async registerClient(host) {
      if (provider.clientStore === undefined) throw new Error('the provider has no client store');
      await ensureClient(provider.clientStore, { apiKey: API_KEY, secret: SECRET_KEY, host });
    },
    close: () => running.close(),
  };
}

for (const framework of FRAMEWORKS) {
  describeSignInAgainst('the ssokit provider', startSsokitProvider, { framework });
}
