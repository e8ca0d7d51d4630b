import type { CliCommand } from '../command.ts';

/** Every `ssokit` sub-command; each lives in its own file beside this one. */
export const commands: readonly CliCommand[] = [];
