import type { CliCommand } from '../command.ts';
import { providerAuditCommand } from './provider-audit.ts';
import { providerClientCommands } from './provider-client-commands.ts';
import { providerServeCommand } from './provider-serve.ts';
import { providerUserCommands } from './provider-user-commands.ts';
import { requestCommand } from './request.ts';
import { signCommand } from './sign.ts';

/** Every `ssokit` sub-command; each lives in its own file beside this one. */
export const commands: readonly CliCommand[] = [
  signCommand,
  requestCommand,
  providerServeCommand,
  ...providerUserCommands,
  ...providerClientCommands,
  providerAuditCommand,
];
