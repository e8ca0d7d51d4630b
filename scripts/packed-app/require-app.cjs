// A CommonJS app: every entry point through require(). Prints what it got as JSON.
const express = require('express');
const { createSsoClient } = require('ssokit');
const { requireLogin, ssoClient } = require('ssokit/express');
const { testUserStore } = require('ssokit/testing');
const { signRequest, SsoError } = require('@ssokit/protocol');
const { requireSignedCall } = require('@ssokit/protocol/express');
const { memoryKeyValueStore } = require('@ssokit/stores');
const { testKeyValueStore } = require('@ssokit/stores/testing');
const { createProvider, silentLogger } = require('@ssokit/provider');
const { main } = require('@ssokit/cli');

// Every entry point of every package, from their `exports`: new ones are loaded too.
const entryPoints = [];
for (const name of ['ssokit', '@ssokit/protocol', '@ssokit/stores', '@ssokit/provider', '@ssokit/cli']) {
  for (const subpath of Object.keys(require(`${name}/package.json`).exports)) {
    if (subpath !== './package.json') entryPoints.push(name + subpath.slice(1));
  }
}
for (const entryPoint of entryPoints) require(entryPoint);

const settings = {
  providerUrl: 'http://localhost:9000',
  apiKey: 'f4a05287',
  secretKey: '6a4eeaea54d54f51af703e79c6096d51',
  userStorage: 'cache',
  cache: memoryKeyValueStore(),
  sessionStore: memoryKeyValueStore(),
  logger: silentLogger,
};
const router = ssoClient(settings);
const app = express();
app.use(router);
app.get('/private', requireLogin(), (_req, res) => res.send('private'));
const server = app.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const login = await fetch(`${base}/private`, { redirect: 'manual' });
  const signed = signRequest({
    apiKey: 'f4a05287',
    secretKey: '6a4eeaea54d54f51af703e79c6096d51',
    path: '/sso/reqeusttoken/',
    timestamp: '1448001000.12',
  });
  console.log(
    JSON.stringify({
      functions: [
        createSsoClient,
        testUserStore,
        requireSignedCall,
        testKeyValueStore,
        createProvider,
        main,
      ].map((value) => typeof value),
      entryPoints,
      ssoError: new SsoError('SIGNATURE_ERROR', 'x').code,
      privateStatus: login.status,
      privateLocation: login.headers.get('location'),
      signed: signed.pathWithQuery,
    }),
  );
  server.close();
  await router.client.close();
});
