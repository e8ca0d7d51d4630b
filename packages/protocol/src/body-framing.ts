/** The request headers that say how a body is framed, as `node:http` gives them. */
export interface BodyFramingHeaders {
  'content-length'?: string | string[] | undefined;
  'transfer-encoding'?: string | string[] | undefined;
}

/**
 * True for a request whose body comes without Content-Length (`Transfer-Encoding: chunked`).
 * Django reads no body for such a request, so the original server verifies it over the URL
 * alone; pass this as {@link IncomingSignedRequest.chunked} so the verifier does the same.
 */
export function hasBodyWithoutLength(headers: BodyFramingHeaders): boolean {
  return headers['content-length'] === undefined && headers['transfer-encoding'] !== undefined;
}
