import { parseArgs } from 'node:util';
import type { Account } from '@ssokit/provider';
import { type CliCommand, UsageError } from '../command.ts';
import {
  DB_FLAG_HELP,
  endProviderSessions,
  onePositional,
  parseOneArgument,
  withProviderDatabase,
} from './provider-database.ts';

function requiredPassword(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError('--password is required');
  return value;
}

export const providerUserAddCommand: CliCommand = {
  path: ['provider', 'user', 'add'],
  summary: 'Add a provider account',
  usage: `Usage: ssokit provider user add NAME --password P [--email E] [--first-name F] [--last-name L] [--staff] [--superuser] [--db URL]

Adds an account that can sign in at the provider. The password is stored as an argon2id hash.

Options:
  --password P      the password (required)
  --email E         email address
  --first-name F    first name
  --last-name L     last name
  --staff           mark as staff (is_staff in the user JSON)
  --superuser       mark as superuser (is_superuser in the user JSON)
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        password: { type: 'string' },
        email: { type: 'string' },
        'first-name': { type: 'string' },
        'last-name': { type: 'string' },
        staff: { type: 'boolean' },
        superuser: { type: 'boolean' },
        db: { type: 'string' },
      },
    });
    const username = onePositional(positionals, 'NAME');
    const password = requiredPassword(values.password);
    const account = await withProviderDatabase(values, (provider) =>
      provider.accounts.add({
        username,
        password,
        email: values.email ?? '',
        firstName: values['first-name'] ?? '',
        lastName: values['last-name'] ?? '',
        isStaff: values.staff ?? false,
        isSuperuser: values.superuser ?? false,
      }),
    );
    io.out(`added user ${account.username} (id ${account.id})`);
    return 0;
  },
};

function row(account: Account): string[] {
  const flags = [
    account.isActive ? 'active' : 'inactive',
    account.isStaff ? 'staff' : '',
    account.isSuperuser ? 'superuser' : '',
  ]
    .filter(Boolean)
    .join(',');
  return [
    String(account.id),
    account.username,
    account.email,
    flags,
    account.lastLogin === null ? 'never' : account.lastLogin.toISOString(),
  ];
}

/** Left-aligned columns, two spaces apart. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export const providerUserListCommand: CliCommand = {
  path: ['provider', 'user', 'list'],
  summary: 'List provider accounts',
  usage: `Usage: ssokit provider user list [--db URL]

Lists the accounts: id, username, email, flags, last login.

Options:
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { db: { type: 'string' } } });
    const accounts = await withProviderDatabase(values, (provider) => provider.accounts.list());
    if (accounts.length === 0) {
      io.out('no users yet: add one with ssokit provider user add NAME --password P');
      return 0;
    }
    io.out(formatTable(['ID', 'USERNAME', 'EMAIL', 'FLAGS', 'LAST LOGIN'], accounts.map(row)));
    return 0;
  },
};

export const providerUserRemoveCommand: CliCommand = {
  path: ['provider', 'user', 'remove'],
  summary: 'Remove a provider account',
  usage: `Usage: ssokit provider user remove NAME [--db URL]

Also ends the user's sessions in every client app with a logout URL (single logout) and at the
provider (in SSOKIT_PROVIDER_REDIS's store).

Options:
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, argument: username } = parseOneArgument(args, 'NAME');
    const removed = await withProviderDatabase(values, async (provider) => {
      const account = await provider.accounts.findByUsername(username);
      if (account === undefined || !(await provider.accounts.remove(username))) return false;
      await endProviderSessions(provider, account, 'removed');
      return true;
    });
    if (!removed) {
      io.err(`ssokit: no user named ${username}`);
      return 1;
    }
    io.out(`removed user ${username}`);
    return 0;
  },
};

export const providerUserPasswdCommand: CliCommand = {
  path: ['provider', 'user', 'passwd'],
  summary: "Set a provider account's password",
  usage: `Usage: ssokit provider user passwd NAME --password P [--db URL]

Also ends the user's sessions in every client app with a logout URL (single logout) and at the
provider (in SSOKIT_PROVIDER_REDIS's store).

Options:
  --password P      the new password (required)
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { password: { type: 'string' }, db: { type: 'string' } },
    });
    const username = onePositional(positionals, 'NAME');
    const password = requiredPassword(values.password);
    const changed = await withProviderDatabase(
      values,
      async (provider) =>
        (await provider.accounts.setPassword(username, password)) &&
        (await endProviderSessions(provider, username, 'password-changed')),
    );
    if (!changed) {
      io.err(`ssokit: no user named ${username}`);
      return 1;
    }
    io.out(`password of ${username} changed`);
    return 0;
  },
};

export const providerUserStaffCommand: CliCommand = {
  path: ['provider', 'user', 'staff'],
  summary: 'Mark a provider account as staff (on) or not (off)',
  usage: `Usage: ssokit provider user staff NAME on|off [--db URL]

Staff accounts may use the provider's admin pages (/admin/) and get is_staff in the user JSON.

Options:
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' } },
    });
    const [username, setting] = positionals;
    if (positionals.length !== 2 || !username || (setting !== 'on' && setting !== 'off')) {
      throw new UsageError('give a NAME and on or off');
    }
    const account = await withProviderDatabase(values, (provider) =>
      provider.accounts.update(username, { isStaff: setting === 'on' }),
    );
    if (account === undefined) {
      io.err(`ssokit: no user named ${username}`);
      return 1;
    }
    io.out(`${username} is ${account.isStaff ? 'now staff' : 'no longer staff'}`);
    return 0;
  },
};

/** `user deactivate` and `user activate`: one flag, the same shape. */
function activeCommand(active: boolean): CliCommand {
  const name = active ? 'activate' : 'deactivate';
  return {
    path: ['provider', 'user', name],
    summary: active
      ? 'Let a deactivated provider account sign in again'
      : 'Deactivate a provider account (it cannot sign in; its sessions in client apps end)',
    usage: `Usage: ssokit provider user ${name} NAME [--db URL]
${
  active
    ? ''
    : `
The account stays (with its id and attributes) but cannot sign in, and every client app with
a logout URL is told to end its sessions (single logout; a running provider delivers it); its
sessions at the provider end too (in SSOKIT_PROVIDER_REDIS's store).
`
}

Options:
${DB_FLAG_HELP}`,
    async run(args, io) {
      const { values, argument: username } = parseOneArgument(args, 'NAME');
      const changed = await withProviderDatabase(
        values,
        async (provider) =>
          (await provider.accounts.setActive(username, active)) &&
          (active || (await endProviderSessions(provider, username, 'deactivated'))),
      );
      if (!changed) {
        io.err(`ssokit: no user named ${username}`);
        return 1;
      }
      io.out(`${active ? 'activated' : 'deactivated'} user ${username}`);
      return 0;
    },
  };
}

export const providerUserDeactivateCommand: CliCommand = activeCommand(false);
export const providerUserActivateCommand: CliCommand = activeCommand(true);

export const providerUserLogoutCommand: CliCommand = {
  path: ['provider', 'user', 'logout'],
  summary: "End a user's sessions in every client app",
  usage: `Usage: ssokit provider user logout NAME [--db URL]

Queues a signed logout notice to every client app with a logout URL: each ends all of the
user's sessions (single logout). A running provider delivers them (retrying for a day while a
client is down). Client apps without a logout URL are not told.

Options:
${DB_FLAG_HELP}`,
  async run(args, io) {
    const { values, argument: username } = parseOneArgument(args, 'NAME');
    const queued = await withProviderDatabase(values, async (provider) => {
      const account = await provider.accounts.findByUsername(username);
      return account === undefined ? undefined : provider.singleLogout.endAccountSessions(account.id);
    });
    if (queued === undefined) {
      io.err(`ssokit: no user named ${username}`);
      return 1;
    }
    io.out(`logout of ${username} queued for ${queued} client app(s)`);
    return 0;
  },
};

export const providerUserCommands: readonly CliCommand[] = [
  providerUserAddCommand,
  providerUserListCommand,
  providerUserRemoveCommand,
  providerUserPasswdCommand,
  providerUserDeactivateCommand,
  providerUserActivateCommand,
  providerUserLogoutCommand,
  providerUserStaffCommand,
];
