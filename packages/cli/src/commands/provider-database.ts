import { parseArgs } from 'node:util';
import type { Account, EndSessionsReason, Provider } from '@ssokit/provider';
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
  // The served provider's key-value store (SSOKIT_PROVIDER_REDIS), so that ending a user's
  // sessions (passwd, deactivate, remove) ends them there; the in-memory default is this process's.
  const keyValueStore =
    env.keyValueStoreUrl === undefined
      ? undefined
      : (await import('@ssokit/stores')).keyValueStoreFromUrl(env.keyValueStoreUrl, {
          keyPrefix: '',
          logger: silentLogger,
        });
  const provider = createProvider({
    database: databaseUrl(flags.db, env),
    // A migration that rewrites a large table may need longer than a request's deadline.
    ...(env.databaseTimeoutMs === undefined ? {} : { databaseTimeoutMs: env.databaseTimeoutMs }),
    logger: silentLogger,
    ...(prefix === undefined ? {} : { prefix }),
    ...(keyValueStore === undefined ? {} : { keyValueStore }),
  });
  try {
    await provider.migrate();
    return await action(provider);
  } finally {
    await provider.close();
    await keyValueStore?.close();
  }
}

/**
 * Ends the account's sessions at the provider's own site (its /login/ cookie), after a change
 * that ended them in the client apps (the account store queued those notices). The sessions end
 * in the store named by SSOKIT_PROVIDER_REDIS; with the in-memory default a running provider's
 * sessions are out of reach (only the session list forgets them). True, for `&&` chains.
 */
export async function endProviderSessions(
  provider: Provider,
  account: string | Pick<Account, 'id' | 'username'>,
  reason: EndSessionsReason,
): Promise<true> {
  const { endUserSessions } = await loadProvider();
  const found = typeof account === 'string' ? await provider.accounts.findByUsername(account) : account;
  // Only the provider's own sessions: the change itself queued the client apps' notices.
  if (found !== undefined) await endUserSessions(provider, found, { reason });
  return true;
}
