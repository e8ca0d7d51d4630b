import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** One HTTP exchange as `SignedApiClient` needs it: no redirects followed, the body read whole. */
export interface TransportRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  body?: string;
  /** Time for the whole exchange, answer body included. */
  timeoutMs: number;
  /**
   * Most answer bytes read; a longer answer (announced or streamed) is abandoned and the call
   * rejects with a {@link ResponseTooLargeError}.
   * @default unlimited (SignedApiClient always sets one)
   */
  maxResponseBytes?: number;
}

export interface TransportResponse {
  status: number;
  contentType: string | undefined;
  text: string;
}

/**
 * Sends one request. Rejects with an Error named `TimeoutError` when out of time, and with the
 * network error (which carries `code`, e.g. ECONNREFUSED) when the connection fails.
 */
export type HttpTransport = (request: TransportRequest) => Promise<TransportResponse>;

/** An answer longer than `maxResponseBytes`: `name` ResponseTooLargeError, `code` RESPONSE_TOO_LARGE. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  readonly code = 'RESPONSE_TOO_LARGE';
  readonly maxResponseBytes: number;

  constructor(maxResponseBytes: number) {
    super(`answer longer than ${maxResponseBytes} bytes`);
    this.maxResponseBytes = maxResponseBytes;
  }
}

function announcedLength(value: string | null | undefined): number {
  return value === null || value === undefined || value === '' ? Number.NaN : Number(value);
}

function timeoutError(timeoutMs: number): Error {
  const error = new Error(`no answer within ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** A socket closed by the server while idle in the pool: the request never reached it. */
function isStaleSocket(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

export interface NodeHttpTransportOptions {
  /**
   * How long an idle kept-alive connection waits for the next call, in milliseconds. Below
   * Node's server default (5 s) so that the client, not the server, closes an idle connection.
   * @default 4000
   */
  idleTimeoutMs?: number;
}

/**
 * Requests over `node:http`/`node:https` with keep-alive agents: one connection serves many
 * back-channel calls, and a call costs much less CPU than WHATWG `fetch` (no streams, no
 * AbortSignal, no Headers object). A request that fails because the server had just closed
 * an idle pooled connection is sent once more on a new one (the server never saw it).
 */
export function nodeHttpTransport(options: NodeHttpTransportOptions = {}): HttpTransport {
  const idleTimeoutMs = options.idleTimeoutMs ?? 4000;
  const agentOptions = { keepAlive: true, timeout: idleTimeoutMs, scheduling: 'lifo' as const };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);

  const once = (request: TransportRequest, deadline: number, retried: boolean): Promise<TransportResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const https = url.protocol === 'https:';
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (request.body !== undefined) {
        headers['content-type'] = 'text/plain;charset=UTF-8';
        headers['content-length'] = Buffer.byteLength(request.body);
      }
      const send = https ? httpsRequest : httpRequest;
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const req = send(
        url,
        { method: request.method, headers, agent: https ? httpsAgent : httpAgent },
        (res: IncomingMessage) => {
          const limit = request.maxResponseBytes ?? Number.POSITIVE_INFINITY;
          const tooLarge = () => {
            const error = new ResponseTooLargeError(limit);
            fail(error);
            // Hangs up: a broken server streaming forever stops costing memory at once.
            req.destroy(error);
          };
          if (announcedLength(res.headers['content-length']) > limit) {
            tooLarge();
            return;
          }
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > limit) tooLarge();
            else chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('close', () => {
            if (!res.complete)
              fail(Object.assign(new Error('connection closed mid-answer'), { code: 'ECONNRESET' }));
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              text: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      const timer = setTimeout(
        () => {
          const error = timeoutError(request.timeoutMs);
          fail(error);
          req.destroy(error);
        },
        Math.max(0, deadline - Date.now()),
      );
      req.on('error', (error) => {
        if (settled) return;
        if (!retried && req.reusedSocket && isStaleSocket(error)) {
          settled = true;
          clearTimeout(timer);
          once(request, deadline, true).then(resolve, reject);
          return;
        }
        fail(error);
      });
      req.end(request.body);
    });

  return (request) => once(request, Date.now() + request.timeoutMs, false);
}

/** Requests through a WHATWG `fetch`: for tests, or a fetch with its own dispatcher. */
export function fetchTransport(fetchFunction: typeof fetch): HttpTransport {
  return async (request) => {
    const response = await fetchFunction(request.url, {
      method: request.method,
      headers: { accept: 'application/json' },
      // A redirect would carry the signed query to wherever it points.
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    const text = await readCapped(response, request.maxResponseBytes ?? Number.POSITIVE_INFINITY);
    return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, text };
  };
}

/** The answer's text, read no further than `limit` bytes; the stream is cancelled beyond it. */
async function readCapped(response: Response, limit: number): Promise<string> {
  if (limit === Number.POSITIVE_INFINITY || response.body === null) return await response.text();
  if (announcedLength(response.headers.get('content-length')) > limit) {
    await response.body.cancel();
    throw new ResponseTooLargeError(limit);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > limit) {
      await reader.cancel();
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
