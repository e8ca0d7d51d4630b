// Child process: the OIDC baseline's relying party, a small Express app with openid-client
// (authorization code + PKCE) and express-session in memory, on 127.0.0.1. It listens first,
// then is told the issuer (whose client registration needs this app's callback URL).
import { createServer } from 'node:http';
import express from 'express';
import session from 'express-session';
import * as oidc from 'openid-client';
import { listenOnLoopback, serveBenchChild } from '../lib/child-server.ts';

declare module 'express-session' {
  interface SessionData {
    pending?: { verifier: string; state: string };
    user?: { sub: string; username: unknown; email: unknown };
  }
}

const [clientId = '', clientSecret = ''] = process.argv.slice(2);
const server = createServer();
const baseUrl = await listenOnLoopback(server);
const redirectUri = `${baseUrl}/callback`;
process.send?.({ type: 'listening', url: baseUrl, redirectUri });

const { issuer } = await new Promise<{ issuer: string }>((resolve) => {
  const onMessage = (message: { type: string; issuer?: string }) => {
    if (message.type !== 'configure' || message.issuer === undefined) return;
    process.off('message', onMessage);
    resolve({ issuer: message.issuer });
  };
  process.on('message', onMessage);
});
const config = await oidc.discovery(new URL(issuer), clientId, clientSecret, undefined, {
  execute: [oidc.allowInsecureRequests],
});

const app = express();
app.use(
  session({
    secret: 'bench-rp-session-secret-0123456789',
    resave: false,
    saveUninitialized: false,
  }),
);
app.get('/login', async (req, res) => {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  req.session.pending = { verifier, state };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  res.redirect(url.href);
});
app.get('/callback', async (req, res, next) => {
  const pending = req.session.pending;
  if (pending === undefined) {
    res.status(400).type('text').send('no login in progress');
    return;
  }
  try {
    const tokens = await oidc.authorizationCodeGrant(config, new URL(req.originalUrl, baseUrl), {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
    });
    const claims = tokens.claims();
    if (claims === undefined) throw new Error('no ID token');
    // A new session id at sign-in, as any careful app does (session fixation).
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = { sub: claims.sub, username: claims.preferred_username, email: claims.email };
      res.redirect('/me');
    });
  } catch (error) {
    next(error);
  }
});
app.get('/me', (req, res) => {
  const user = req.session.user;
  if (user === undefined) {
    res.status(401).json({ error: 'not logged in' });
    return;
  }
  res.json(user);
});
server.on('request', app);

serveBenchChild(server, async () => {}, { url: baseUrl });
