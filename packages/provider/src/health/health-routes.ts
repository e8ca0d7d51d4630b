import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadinessReport } from './readiness.ts';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';

/**
 * `/healthz` (the process answers) and `/readyz` (it can serve: schema migrated, database and
 * key-value store answering, not draining), answered before anything else: no session, no
 * rate limit, no log line. Returns false for any other request.
 */
export function healthRoutes(check: () => Promise<ReadinessReport>) {
  return (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    if (path !== HEALTH_PATH && path !== READY_PATH) return false;
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendJson(res, 405, '{"error": "method not allowed"}');
      return true;
    }
    if (path === HEALTH_PATH) {
      sendJson(res, 200, '{"status": "ok"}');
      return true;
    }
    check().then(
      (report) => sendJson(res, report.ready ? 200 : 503, JSON.stringify(report)),
      () => sendJson(res, 503, '{"ready": false}'),
    );
    return true;
  };
}

function sendJson(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
