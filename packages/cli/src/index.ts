export { type CliCommand, type CliIo, UsageError } from './command.ts';
export { main } from './main.ts';
