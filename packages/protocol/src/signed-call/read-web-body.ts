/**
 * Reads a web `Request` body up to `limit` bytes: undefined when there is none (or it is
 * empty, as Express's raw parser leaves it), `'too-large'` past the limit, which is noticed from
 * `Content-Length` before reading or while streaming a body sent without one.
 */
export async function readWebBody(
  request: Request,
  limit: number,
): Promise<Uint8Array | undefined | 'too-large'> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) return 'too-large';
  if (request.body === null) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel();
      return 'too-large';
    }
    chunks.push(value);
  }
  if (length === 0) return undefined;
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
