import { parseArgs } from 'node:util';
import type { Provider } from '@ssokit/provider';
import { UsageError } from '../command.ts';

/** `--db URL` for every `ssokit provider` command, with SSOKIT_PROVIDER_DB as the fallback. */
export const DB_FLAG_HELP = `  --db URL          accounts and clients database: sqlite:PATH, postgres://…, mysql://…
                    (default: SSOKIT_PROVIDER_DB, else sqlite:ssokit.sqlite in this folder)`;

/** The one positional argument of a command (its NAME or KEY), else a usage error. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1 || positionals[0] === '') throw new UsageError(`give exactly one ${what}`);
  return positionals[0] as string;
}

/** `COMMAND NAME [--db URL]`: the flags and the one positional argument of such a command. */
export function parseOneArgument(
  args: string[],
  what: string,
): { values: { db?: string }; argument: string } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: 'string' } },
  });
  return { values, argument: onePositional(positionals, what) };
}

/**
 * The provider package, loaded by the commands that use it: `ssokit --help` and `ssokit sign`
 * start without loading Express, Kysely and argon2.
 */
export function loadProvider(): Promise<typeof import('@ssokit/provider')> {
  return import('@ssokit/provider');
}

/** The database URL the admin commands work on (`env` from `readProviderEnv()`). */
export function databaseUrl(flag: string | undefined, env: { database?: string | undefined }): string {
  return flag ?? env.database ?? 'sqlite:ssokit.sqlite';
}

/**
 * Runs an admin action against the provider's database, with the schema brought up to date
 * first (so every command works on a fresh folder), and closes the database afterwards.
 */
export async function withProviderDatabase<T>(
  flags: { db?: string | undefined; prefix?: string | undefined },
  action: (provider: Provider) => Promise<T>,
): Promise<T> {
  const { createProvider, readProviderEnv, silentLogger } = await loadProvider();
  const env = readProviderEnv();
  const prefix = flags.prefix ?? env.prefix;
  const provider = createProvider({
    database: databaseUrl(flags.db, env),
    // A migration that rewrites a large table may need longer than a request's deadline.
    ...(env.databaseTimeoutMs === undefined ? {} : { databaseTimeoutMs: env.databaseTimeoutMs }),
    logger: silentLogger,
    ...(prefix === undefined ? {} : { prefix }),
  });
  try {
    await provider.migrate();
    return await action(provider);
  } finally {
    await provider.close();
  }
}
