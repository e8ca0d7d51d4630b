import type { Express } from 'express';

/** One way of serving the benchmarked route `GET /me` (authenticated or not). */
export interface RouteScenario {
  name: string;
  setup(): Promise<{
    app: Express;
    /** Signs a user in against the running server and returns the `Cookie` header to send. */
    login(baseUrl: string): Promise<string>;
    close(): Promise<void>;
  }>;
}
