import type { Readable } from 'node:stream';
import { readWebBody as readBoundedWebBody } from '@ssokit/protocol';

/** A logout notice has no body; anything larger than this is refused (413) unread. */
export const MAX_NOTICE_BODY_BYTES = 16 * 1024;
/** How long a notice's body may take to arrive before the request is answered 408. */
export const NOTICE_BODY_DEADLINE_MS = 5000;

/** Why a body could not be read: the adapter's core answers 413 or 408. */
export class BodyReadError extends Error {
  constructor(readonly status: 408 | 413) {
    super(status === 413 ? 'body too large' : 'body not received in time');
  }
}

/** A Node request stream's body (Express `req`, Fastify `request.raw`), at most `limit` bytes. */
export function readNodeBody(stream: Readable, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    if (stream.readableEnded) {
      resolve(new Uint8Array(0));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const done = (error?: Error) => {
      stream.off('data', onData).off('end', onEnd).off('error', done);
      if (error === undefined) resolve(Buffer.concat(chunks, total));
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        // Stop reading; the answer is sent and the connection closed with it.
        stream.pause();
        done(new BodyReadError(413));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done();
    stream.on('data', onData).on('end', onEnd).on('error', done);
  });
}

/** A web `Request`'s body, at most `limit` bytes (a larger `Content-Length` is refused unread). */
export async function readWebBody(request: Request, limit: number): Promise<Uint8Array> {
  const body = await readBoundedWebBody(request, limit);
  if (body === 'too-large') throw new BodyReadError(413);
  return body ?? new Uint8Array(0);
}

/** `read`'s body, or a 408 `BodyReadError` when it takes longer than `ms`. */
export function withDeadline<T>(read: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyReadError(408)), ms);
  });
  return Promise.race([read, late]).finally(() => clearTimeout(timer));
}
