import type { RequestListener } from 'node:http';
import type { ClientStoreNames } from '../ssokit/client-stores.ts';

/** What a growth run passes to an ssokit scenario (baselines ignore it). */
export interface RouteScenarioOptions {
  /** Use these (seeded) stores instead of fresh ones, and leave them in place at the end. */
  names?: ClientStoreNames;
}

/** One way of serving the benchmarked route `GET /me` (authenticated or not). */
export interface RouteScenario {
  name: string;
  setup(options?: RouteScenarioOptions): Promise<{
    /** The app as a Node request listener (an Express app is one; others are wrapped). */
    app: RequestListener;
    /** Signs a user in against the running server and returns the `Cookie` header to send. */
    login(baseUrl: string): Promise<string>;
    close(): Promise<void>;
  }>;
}
