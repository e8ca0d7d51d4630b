import type { ServerResponse } from 'node:http';
import { type Request, type Response, Router } from 'express';
import { expressRequestContext } from '../http/request-context.ts';
import {
  type ApiAnswer,
  METHOD_NOT_ALLOWED_BODY,
  SIGNED_API_METHODS,
  type SignedApiEndpoint,
} from './signed-api-endpoints.ts';

/** Writes an endpoint's answer: exactly the original's `application/json`, no charset (ASCII). */
export function sendApiAnswer(res: ServerResponse, answer: ApiAnswer): void {
  res.statusCode = answer.status;
  res.setHeader('Content-Type', 'application/json');
  res.end(answer.body);
}

/** The signed endpoints as Express routes (mounted apps, a trusted proxy, other methods). */
export function ssoApiRoutes(endpoints: ReadonlyMap<string, SignedApiEndpoint>): Router {
  const router = Router();
  for (const [path, endpoint] of endpoints) {
    // A rejection (a bug, not a refusal) goes to the error handler: Express 5 passes it on.
    router.get(path, async (req: Request, res: Response) => {
      sendApiAnswer(res, await endpoint(expressRequestContext(req)));
    });
    router.all(path, (_req: Request, res: Response) => {
      res.setHeader('Allow', SIGNED_API_METHODS);
      sendApiAnswer(res, { status: 405, body: METHOD_NOT_ALLOWED_BODY });
    });
  }
  return router;
}
