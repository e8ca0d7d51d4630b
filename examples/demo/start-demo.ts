import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ensureAccount, ensureClient, serveProvider } from '@ssokit/provider';
import { type ExampleFramework, startExampleApp } from '../client-app/example-app.ts';

/** The accounts of the original README's walkthrough. */
export const demoAccounts = [
  { username: 'user1', password: '123', firstName: 'User', lastName: 'One', email: 'user1@example.com' },
  { username: 'user2', password: '456', firstName: 'User', lastName: 'Two', email: 'user2@example.com' },
] as const;

/** The demo's staff account: it may use the provider's admin pages at /admin/. Demo only. */
export const demoStaffAccount = {
  username: 'admin',
  password: 'admin-demo',
  firstName: 'Demo',
  lastName: 'Admin',
  email: 'admin@example.com',
  isStaff: true,
} as const;

/** The demo client's API key, as short as the original's (its secret is random, made on first start). */
export const DEMO_API_KEY = 'f4a05287';

export interface StartDemoOptions {
  /** @default 9000 */
  providerPort?: number;
  /** @default 8000 */
  clientPort?: number;
  /** Where the two SQLite files live. @default '.ssokit' in the current folder */
  dataDir?: string;
  /** The adapter the client app runs on. @default 'express' */
  framework?: ExampleFramework;
  /** Logger for both servers, pino-compatible; tests pass a silent one. @default pino to stderr */
  logger?: import('ssokit').SsoLogger & import('@ssokit/provider').ProviderLogger;
}

export interface RunningDemo {
  providerUrl: string;
  clientUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the provider (SQLite file, in-memory stores), seeds it idempotently with the two demo
 * accounts, the staff account and a client registration bound to the client's `localhost:PORT`
 * with its logout URL (single logout), then starts the
 * example client app signed in against it.
 */
export async function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  const { providerPort = 9000, clientPort = 8000, dataDir = '.ssokit', logger, framework } = options;
  mkdirSync(dataDir, { recursive: true });
  const provider = await serveProvider({
    port: providerPort,
    host: 'localhost',
    database: `sqlite:${join(dataDir, 'demo-provider.sqlite')}`,
    siteName: 'ssokit demo provider',
    ...(logger ? { logger } : {}),
  });
  try {
    const { accounts, clientStore } = provider.provider;
    for (const account of [...demoAccounts, demoStaffAccount]) await ensureAccount(accounts, account);
    const clientHost = `localhost:${clientPort}`;
    if (clientStore === undefined) throw new Error('the demo provider has no client store');
    const clientUrl = `http://${clientHost}`;
    // Where the client app takes the provider's logout notices (ssokit's `logoutNoticePath`):
    // signing out at the provider ends the client's session too.
    const logoutUrl = `${clientUrl}/myssoclient/logout/`;
    const { client, created } = await ensureClient(clientStore, {
      apiKey: DEMO_API_KEY,
      host: clientHost,
      logoutUrl,
      note: 'demo client',
    });
    if (client.host !== clientHost) {
      throw new Error(
        `${dataDir} holds a demo key bound to ${client.host}; remove ${dataDir} to start afresh`,
      );
    }
    // A data folder from before single logout has the registration without its logout URL.
    if (!created) await clientStore.setLogoutUrl(DEMO_API_KEY, logoutUrl);
    const providerUrl = `http://localhost:${provider.port}`;
    const example = await startExampleApp({
      framework: framework ?? 'express',
      port: clientPort,
      host: 'localhost',
      boundOrigin: clientUrl,
      providerUrl,
      apiKey: DEMO_API_KEY,
      secretKey: client.secrets[0] ?? '',
      database: `sqlite:${join(dataDir, 'demo-client.sqlite')}`,
      ...(logger ? { logger } : {}),
    });
    const { server } = example;
    return {
      providerUrl,
      clientUrl: `http://localhost:${(server.address() as AddressInfo).port}`,
      async close() {
        await example.close();
        await provider.close();
      },
    };
  } catch (error) {
    await provider.close();
    throw error;
  }
}
