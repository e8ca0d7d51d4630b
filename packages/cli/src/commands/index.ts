import type { CliCommand } from '../command.ts';
import { requestCommand } from './request.ts';
import { signCommand } from './sign.ts';

/** Every `ssokit` sub-command; each lives in its own file beside this one. */
export const commands: readonly CliCommand[] = [signCommand, requestCommand];
