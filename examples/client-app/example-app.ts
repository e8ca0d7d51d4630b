import type { Server } from 'node:http';
import type { SsoClientConfig } from 'ssokit';
import { startExpressExample } from './express-example.ts';
import { startFastifyExample } from './fastify-example.ts';
import { startFetchExample } from './fetch-example.ts';
import { startHonoExample } from './hono-example.ts';

/** The adapters the example app can run on. */
export const EXAMPLE_FRAMEWORKS = ['express', 'fastify', 'hono', 'fetch'] as const;
export type ExampleFramework = (typeof EXAMPLE_FRAMEWORKS)[number];

/** The framework named by `FRAMEWORK`, default express; anything else is refused with the list. */
export function parseFramework(value: string | undefined): ExampleFramework {
  if (value === undefined || value === '') return 'express';
  if ((EXAMPLE_FRAMEWORKS as readonly string[]).includes(value)) return value as ExampleFramework;
  throw new TypeError(`FRAMEWORK must be one of ${EXAMPLE_FRAMEWORKS.join(', ')} (got "${value}")`);
}

export interface ExampleAppOptions extends SsoClientConfig {
  /**
   * The origin the API key is bound to at the provider; the app asks visitors on any other
   * host to go there, since the provider would refuse to send them back.
   * @default 'http://localhost:8000'
   */
  boundOrigin?: string;
  /** @default 'express' */
  framework?: ExampleFramework;
  /** @default 8000 */
  port?: number;
  /** @default all addresses */
  host?: string;
}

/** What each framework's example gets: the client options and whether a Host is the bound one. */
export interface ExampleSetup {
  config: SsoClientConfig & { appUrl: string };
  boundOrigin: string;
  isBoundHost(host: string | undefined): boolean;
  port: number;
  host: string | undefined;
}

export interface RunningExampleApp {
  framework: ExampleFramework;
  server: Server;
  close(): Promise<void>;
}

/**
 * The original dj-sso-client example, the Node way, on any of the four adapters: `/` shows
 * who is signed in, login at `/accounts/login/` (honours `?next=`), logout at
 * `/accounts/logout/`, the provider calls back at `/myssoclient/auth/`.
 */
export async function startExampleApp(options: ExampleAppOptions = {}): Promise<RunningExampleApp> {
  const {
    boundOrigin = 'http://localhost:8000',
    framework = 'express',
    port = 8000,
    host,
    ...config
  } = options;
  const boundHost = new URL(boundOrigin).host;
  const setup: ExampleSetup = {
    config: { appUrl: boundOrigin, ...config },
    boundOrigin,
    isBoundHost: (requestHost) => requestHost === boundHost,
    port,
    host,
  };
  const start = {
    express: startExpressExample,
    fastify: startFastifyExample,
    hono: startHonoExample,
    fetch: startFetchExample,
  }[framework];
  return { framework, ...(await start(setup)) };
}
