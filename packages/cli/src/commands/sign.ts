import { parseArgs } from 'node:util';
import { type CliCommand, UsageError } from '../command.ts';

/** The secret from the flag or, so it stays out of shell history and `ps`, from SSOKIT_SECKEY. */
export function secretKeyFrom(flag: string | undefined): string {
  const secret = flag ?? process.env.SSOKIT_SECKEY;
  if (secret === undefined || secret === '') throw new UsageError('--seckey (or SSOKIT_SECKEY) is required');
  return secret;
}

export function requiredFlag(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export const signCommand: CliCommand = {
  path: ['sign'],
  summary: 'Print a dj-api-auth signed path+query',
  usage: `Usage: ssokit sign --apikey KEY --seckey SECRET [--timestamp T] [--body TEXT] PATH_WITH_QUERY

Signs PATH_WITH_QUERY (e.g. '/sso/authtoken/?request_token=R&auth_token=A') the dj-api-auth
way and prints the path+query to send, on one line. Existing query parameters keep their
order and are re-encoded the Python 2 way; timestamp and apikey are appended, then the
signature, unescaped.

Options:
  --apikey KEY      the API key
  --seckey SECRET   its secret (default: the SSOKIT_SECKEY environment variable)
  --timestamp T     UNIX seconds to sign with (default: now); makes the output deterministic
  --body TEXT       the request body, for a POST: its bytes are part of the signature`,
  async run(args, io) {
    // Loaded here, not at the top: `ssokit --help` loads no command's dependencies.
    const { MalformedQueryError, signRequest } = await import('@ssokit/protocol');
    const { values, positionals } = parseArgs({
      args,
      options: {
        apikey: { type: 'string' },
        seckey: { type: 'string' },
        timestamp: { type: 'string' },
        body: { type: 'string' },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one PATH_WITH_QUERY');
    const path = positionals[0] as string;
    if (!path.startsWith('/')) throw new UsageError('PATH_WITH_QUERY must start with "/"');
    if (values.timestamp !== undefined && !/^\d+(\.\d+)?$/.test(values.timestamp)) {
      throw new UsageError('--timestamp must be decimal UNIX seconds, e.g. 1448001005.5');
    }
    try {
      const signed = signRequest({
        apiKey: requiredFlag(values.apikey, 'apikey'),
        secretKey: secretKeyFrom(values.seckey),
        path,
        ...(values.timestamp === undefined ? {} : { timestamp: values.timestamp }),
        ...(values.body === undefined ? {} : { body: values.body }),
      });
      io.out(signed.pathWithQuery);
      return 0;
    } catch (error) {
      if (error instanceof MalformedQueryError) throw new UsageError(`PATH_WITH_QUERY: ${error.message}`);
      throw error;
    }
  },
};
