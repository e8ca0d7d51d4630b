import { parseArgs } from 'node:util';
import { type CliCommand, UsageError } from '../command.ts';
import { requiredFlag, secretKeyFrom } from './sign.ts';

export const requestCommand: CliCommand = {
  path: ['request'],
  summary: 'Make a dj-api-auth signed HTTP call and print the answer',
  usage: `Usage: ssokit request --apikey KEY --seckey SECRET [--data TEXT] [--timeout MS] URL

Makes a signed GET to URL (a signed POST with --data) and prints the status line and the
body. Exit code 0 for a 2xx answer, 1 otherwise. Redirects are not followed.

Options:
  --apikey KEY      the API key
  --seckey SECRET   its secret (default: the SSOKIT_SECKEY environment variable)
  --data TEXT       send TEXT as the body of a POST (part of the signature)
  --timeout MS      give up after MS milliseconds (default: 10000)`,
  async run(args, io) {
    const { MalformedQueryError, signRequest } = await import('@ssokit/protocol');
    const { values, positionals } = parseArgs({
      args,
      options: {
        apikey: { type: 'string' },
        seckey: { type: 'string' },
        data: { type: 'string' },
        timeout: { type: 'string' },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one URL');
    let url: URL;
    try {
      url = new URL(positionals[0] as string);
    } catch {
      throw new UsageError('URL must be absolute, e.g. http://localhost:9000/sso/reqeusttoken/');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError('URL must be http or https');
    const timeoutMs = Number(values.timeout ?? 10_000);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw new UsageError('--timeout must be a positive number');
    const apiKey = requiredFlag(values.apikey, 'apikey');
    const secretKey = secretKeyFrom(values.seckey);
    const body = values.data;

    let pathWithQuery: string;
    try {
      ({ pathWithQuery } = signRequest({
        apiKey,
        secretKey,
        path: url.pathname + url.search,
        ...(body === undefined ? {} : { body }),
      }));
    } catch (error) {
      if (error instanceof MalformedQueryError) throw new UsageError(`URL: ${error.message}`);
      throw error;
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(url.origin + pathWithQuery, {
        method: body === undefined ? 'GET' : 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined ? {} : { body }),
      });
      text = await response.text();
    } catch (error) {
      // Name the endpoint without its query: the query carries the signature.
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer in ${timeoutMs} ms`
          : cause(error);
      io.err(`ssokit: ${body === undefined ? 'GET' : 'POST'} ${url.origin}${url.pathname} failed: ${reason}`);
      return 1;
    }
    io.out(`HTTP ${response.status} ${response.statusText}`.trimEnd());
    if (text !== '') io.out(text);
    return response.ok ? 0 : 1;
  },
};

function cause(error: unknown): string {
  const inner = error instanceof Error ? error.cause : undefined;
  if (inner instanceof Error)
    return 'code' in inner && typeof inner.code === 'string' ? inner.code : inner.message;
  return error instanceof Error ? error.message : String(error);
}
