import { parseArgs } from 'node:util';
import type { SqlClientStore } from '@ssokit/provider';
import { type CliCommand, UsageError } from '../command.ts';
import {
  DB_FLAG_HELP,
  loadProvider,
  onePositional,
  parseOneArgument,
  withProviderDatabase,
} from './provider-database.ts';
import { formatTable } from './provider-user-commands.ts';

const PREFIX_FLAG_HELP = `  --prefix P        the provider's SSO prefix; the key may call its token endpoints
                    (default: SSOKIT_PROVIDER_PREFIX, else /sso/)`;

function clientStoreOf(provider: { clientStore: SqlClientStore | undefined }): SqlClientStore {
  if (provider.clientStore === undefined)
    throw new Error('this provider keeps no client registrations in SQL');
  return provider.clientStore;
}

export const providerClientAddCommand: CliCommand = {
  path: ['provider', 'client', 'add'],
  summary: 'Register a client app (prints its API key and secret)',
  usage: `Usage: ssokit provider client add --host HOST[:PORT] [--scheme http|https] [--callback-path PATH] [--logout-url URL] [--note N] [--json] [--db URL]

Registers a client app: a new API key and secret, bound to the host of the client's URL
(logins return only to its callback path there). Put the key and secret into the client's configuration; the
secret is shown only now.

Options:
  --host HOST[:PORT]  host of the client app's URL, e.g. localhost:8000 (required)
  --scheme S          also require http or https for login redirects (default: either)
  --callback-path P   the client's sign-in callback, the one path logins return to
                      (default: /myssoclient/auth/, where the original client mounts it)
  --logout-url URL    where the client receives signed logout notices (single logout), on
                      its host, e.g. http://localhost:8000/myssoclient/logout/ (default: none,
                      as an original dj-sso-client; set later with client logout-url)
  --note N            a note for administrators
  --json              print {"apikey": …, "seckey": …, "host": …}
${PREFIX_FLAG_HELP}
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        host: { type: 'string' },
        scheme: { type: 'string' },
        'callback-path': { type: 'string' },
        'logout-url': { type: 'string' },
        note: { type: 'string' },
        json: { type: 'boolean' },
        prefix: { type: 'string' },
        db: { type: 'string' },
      },
    });
    if (values.host === undefined || values.host === '') throw new UsageError('--host is required');
    const { host } = values;
    const scheme = values.scheme;
    if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
      throw new UsageError('--scheme must be http or https');
    }
    const callbackPath = values['callback-path'];
    const logoutUrl = values['logout-url'];
    const client = await withProviderDatabase(values, (provider) =>
      clientStoreOf(provider).add({
        host,
        ...(scheme === undefined ? {} : { scheme }),
        ...(callbackPath === undefined ? {} : { callbackPath }),
        ...(logoutUrl === undefined ? {} : { logoutUrl }),
        ...(values.note === undefined ? {} : { note: values.note }),
      }),
    );
    const secret = client.secrets[0] ?? '';
    const { DEFAULT_CALLBACK_PATH, pythonJsonDumps } = await loadProvider();
    if (values.json) {
      io.out(pythonJsonDumps({ apikey: client.apiKey, seckey: secret, host: client.host ?? host }));
      return 0;
    }
    io.out(`API key:  ${client.apiKey}`);
    io.out(`Secret:   ${secret}`);
    io.out(`Host:     ${client.host ?? host}${client.scheme ? ` (${client.scheme} only)` : ''}`);
    io.out(`Callback: ${client.callbackPath ?? `${DEFAULT_CALLBACK_PATH} (the original client's)`}`);
    if (client.logoutUrl !== undefined) io.out(`Logout:   ${client.logoutUrl}`);
    io.out("The secret is shown only now; keep it in the client app's configuration.");
    return 0;
  },
};

export const providerClientListCommand: CliCommand = {
  path: ['provider', 'client', 'list'],
  summary: 'List registered client apps',
  usage: `Usage: ssokit provider client list [--db URL]

Lists API keys, hosts, the number of active secrets and notes (never the secrets).

Options:
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { db: { type: 'string' } } });
    const clients = await withProviderDatabase(values, (provider) => clientStoreOf(provider).list());
    const { DEFAULT_CALLBACK_PATH } = await loadProvider();
    if (clients.length === 0) {
      io.out('no client apps yet: add one with ssokit provider client add --host HOST[:PORT]');
      return 0;
    }
    io.out(
      formatTable(
        ['API KEY', 'HOST', 'SCHEME', 'CALLBACK', 'SECRETS', 'CREATED', 'NOTE'],
        clients.map((client) => [
          client.apiKey,
          client.host ?? '-',
          client.scheme ?? 'any',
          client.callbackPath ?? DEFAULT_CALLBACK_PATH,
          String(client.activeSecrets),
          client.createdAt.toISOString(),
          client.note ?? '',
        ]),
      ),
    );
    return 0;
  },
};

export const providerClientRemoveCommand: CliCommand = {
  path: ['provider', 'client', 'remove'],
  summary: 'Remove a client app registration',
  usage: `Usage: ssokit provider client remove KEY [--db URL]

Options:
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, argument: apiKey } = parseOneArgument(args, 'KEY');
    const removed = await withProviderDatabase(values, (provider) => clientStoreOf(provider).remove(apiKey));
    if (!removed) {
      io.err(`ssokit: no client with API key ${apiKey}`);
      return 1;
    }
    io.out(`removed client ${apiKey}`);
    return 0;
  },
};

export const providerClientRotateSecretCommand: CliCommand = {
  path: ['provider', 'client', 'rotate-secret'],
  summary: 'Give a client app a new secret (the old one keeps working until retired)',
  usage: `Usage: ssokit provider client rotate-secret KEY [--retire-old] [--db URL]

Adds a new secret and prints it. Calls signed with the older secrets keep working, so the
client can be reconfigured without downtime; once it uses the new secret, run
ssokit provider client retire-secrets KEY. With --retire-old the older secrets stop working
at once.

Options:
  --retire-old      keep only the new secret
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'retire-old': { type: 'boolean' }, db: { type: 'string' } },
    });
    const apiKey = onePositional(positionals, 'KEY');
    const rotated = await withProviderDatabase(values, async (provider) => {
      const store = clientStoreOf(provider);
      const fresh = await store.rotateSecret(apiKey);
      if (fresh === undefined || !values['retire-old']) return fresh;
      return store.retireOldSecrets(apiKey);
    });
    if (rotated === undefined) {
      io.err(`ssokit: no client with API key ${apiKey}`);
      return 1;
    }
    io.out(`New secret: ${rotated.secrets[0] ?? ''}`);
    io.out(
      values['retire-old']
        ? 'Older secrets no longer work.'
        : `${rotated.secrets.length - 1} older secret(s) still work; once the client uses the new one: ssokit provider client retire-secrets ${apiKey}`,
    );
    return 0;
  },
};

export const providerClientRetireSecretsCommand: CliCommand = {
  path: ['provider', 'client', 'retire-secrets'],
  summary: "Keep only a client app's newest secret",
  usage: `Usage: ssokit provider client retire-secrets KEY [--db URL]

After rotate-secret, once the client signs with the new secret: the older ones stop working.

Options:
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, argument: apiKey } = parseOneArgument(args, 'KEY');
    const retired = await withProviderDatabase(values, (provider) =>
      clientStoreOf(provider).retireOldSecrets(apiKey),
    );
    if (retired === undefined) {
      io.err(`ssokit: no client with API key ${apiKey}`);
      return 1;
    }
    io.out(`only the newest secret of ${apiKey} works now`);
    return 0;
  },
};

export const providerClientLogoutUrlCommand: CliCommand = {
  path: ['provider', 'client', 'logout-url'],
  summary: 'Set or clear where a client app receives logout notices',
  usage: `Usage: ssokit provider client logout-url KEY (URL | --clear) [--db URL]

Sets the URL, on the client's host, where the provider POSTs signed logout notices when a
user's session must end (single logout), e.g. http://localhost:8000/myssoclient/logout/.
With --clear the client gets no notices (as an original dj-sso-client).

Options:
  --clear           remove the logout URL
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { clear: { type: 'boolean' }, db: { type: 'string' } },
    });
    const [apiKey, url, ...rest] = positionals;
    if (apiKey === undefined || apiKey === '' || rest.length > 0)
      throw new UsageError('give KEY and URL (or --clear)');
    if ((url === undefined) === !values.clear) throw new UsageError('give either a URL or --clear');
    const changed = await withProviderDatabase(values, (provider) =>
      clientStoreOf(provider).setLogoutUrl(apiKey, url ?? null),
    );
    if (changed === undefined) {
      io.err(`ssokit: no client with API key ${apiKey}`);
      return 1;
    }
    io.out(
      changed.logoutUrl === undefined
        ? `client ${apiKey} gets no logout notices`
        : `client ${apiKey} gets logout notices at ${changed.logoutUrl}`,
    );
    return 0;
  },
};

export const providerClientCommands: readonly CliCommand[] = [
  providerClientAddCommand,
  providerClientListCommand,
  providerClientRemoveCommand,
  providerClientRotateSecretCommand,
  providerClientRetireSecretsCommand,
  providerClientLogoutUrlCommand,
];
