// Child process: the OIDC baseline's OpenID Provider (oidc-provider) with an auto-consenting
// password interaction, in memory (oidc-provider's default adapter), on 127.0.0.1. It listens
// first (starting alongside the relying party), then is told the RP's callback URL, which its
// client registration needs.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import Provider from 'oidc-provider';
import { listenOnLoopback, serveBenchChild } from '../lib/child-server.ts';
import { benchAccounts, hashBenchPassword, verifyBenchPassword } from './bench-account.ts';

const [clientId = '', clientSecret = ''] = process.argv.slice(2);
const accountsById = new Map(benchAccounts.map((account) => [String(account.id), account]));
const accountsByUsername = new Map(benchAccounts.map((account) => [account.username, account]));
// One hash for all: every account has the same password, and verifying costs the same.
const passwordHash = await hashBenchPassword();

const server = createServer();
const issuer = await listenOnLoopback(server);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const redirectUri = await new Promise<string>((resolve) => {
  const onMessage = (message: { type: string; redirectUri?: string }) => {
    if (message.type !== 'configure' || message.redirectUri === undefined) return;
    process.off('message', onMessage);
    resolve(message.redirectUri);
  };
  process.on('message', onMessage);
  process.send?.({ type: 'listening', url: issuer });
});

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  // The claims go into the ID token, so the RP makes no userinfo call.
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'] },
  features: { devInteractions: { enabled: false } },
  // Explicit lifetimes (oidc-provider asks for them); none of them runs out during a bench.
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    Interaction: 3600,
    Grant: 1_209_600,
    Session: 1_209_600,
  },
  interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx: unknown, id: string) {
    const account = accountsById.get(id);
    if (account === undefined) return undefined;
    return {
      accountId: id,
      claims: () => ({
        sub: id,
        preferred_username: account.username,
        name: `${account.firstName} ${account.lastName}`,
        email: account.email,
      }),
    };
  },
});
// Errors are answered to the client; the default listener would print every one of them.
provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));

const app = express();
app.get('/interaction/:uid', async (req, res, next) => {
  try {
    const details = await provider.interactionDetails(req, res);
    res
      .type('html')
      .send(
        `<!doctype html><title>Sign in</title><form method="post" action="/interaction/${details.uid}/login">` +
          '<input name="username"><input name="password" type="password"><button>Sign in</button></form>',
      );
  } catch (error) {
    next(error);
  }
});
// The login and the consent in one step: a first-party app that never asks for consent.
app.post('/interaction/:uid/login', express.urlencoded({ extended: false }), async (req, res, next) => {
  try {
    const details = await provider.interactionDetails(req, res);
    const { username, password } = req.body as { username?: string; password?: string };
    const account = accountsByUsername.get(username ?? '');
    if (account === undefined || !(await verifyBenchPassword(passwordHash, password ?? ''))) {
      res.status(401).type('text').send('wrong username or password');
      return;
    }
    const accountId = String(account.id);
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope('openid profile email');
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  } catch (error) {
    next(error);
  }
});
app.use(provider.callback());
server.on('request', app);

serveBenchChild(server, async () => {}, { url: issuer });
