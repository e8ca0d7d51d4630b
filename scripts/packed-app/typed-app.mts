// A TypeScript app, type-checked with tsc --strict under node16 and under bundler resolution.
import { type SignedRequest, signRequest, staticApiKeySource } from '@ssokit/protocol';
import { requireSignedCall } from '@ssokit/protocol/express';
import { createProvider, type ProviderOptions } from '@ssokit/provider';
import { type KeyValueStore, memoryKeyValueStore } from '@ssokit/stores';
import { testKeyValueStore } from '@ssokit/stores/testing';
import express from 'express';
import { createSsoClient, type SsoUser } from 'ssokit';
import { requireLogin, type SsoExpressConfig, ssoClient } from 'ssokit/express';
import { testUserStore } from 'ssokit/testing';

const config: SsoExpressConfig = {
  providerUrl: 'https://sso.example.com',
  apiKey: 'f4a05287',
  secretKey: '6a4eeaea54d54f51af703e79c6096d51',
};
const app = express();
app.use(ssoClient(config));
app.use(
  ssoClient({
    ...config,
    // @ts-expect-error: a misspelled option must be a type error, not silently ignored.
    userStorrage: 'database',
  }),
);
app.get('/', (req, res) => {
  const user: SsoUser | undefined = req.user;
  res.send(user === undefined ? 'anonymous' : `hello ${user.username}`);
});
app.get('/private', requireLogin(), (_req, res) => res.send('private'));
const apiKeys = staticApiKeySource([
  { apiKey: 'f4a05287', secrets: ['6a4eeaea54d54f51af703e79c6096d51'], allowedEndpoints: ['/api'] },
]);
app.get('/api', requireSignedCall({ apiKeys }), (_req, res) => res.json({}));

const signed: SignedRequest = signRequest({ apiKey: 'k', secretKey: 's', path: '/sso/reqeusttoken/' });
const path: string = signed.pathWithQuery;
const store: KeyValueStore = memoryKeyValueStore();
const options: ProviderOptions = { database: 'sqlite::memory:' };
export const used = [path, store, createProvider(options), createSsoClient, testKeyValueStore, testUserStore];
