import { type CliCommand, type CliIo, UsageError } from './command.ts';
import { commands } from './commands/index.ts';

const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function overview(group: readonly string[] = []): string {
  const listed = commands.filter((command) => group.every((word, index) => command.path[index] === word));
  const lines = listed.map((command) => `  ssokit ${command.path.join(' ').padEnd(28)} ${command.summary}`);
  return [
    `Usage: ssokit ${group.length === 0 ? '' : `${group.join(' ')} `}<command> [options]`,
    '',
    'Commands:',
    ...lines,
    '',
    'ssokit <command> --help for details.',
  ].join('\n');
}

/** Picks the command whose words match the longest prefix of argv. */
function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, index) => argv[index] === word);
    if (matches && (best === undefined || command.path.length > best.path.length)) best = command;
  }
  return best && { command: best, rest: argv.slice(best.path.length) };
}

export async function main(argv: string[], io: CliIo = consoleIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  // `ssokit provider --help`, `ssokit provider user`: the commands of that group.
  const words = argv.filter((word) => !word.startsWith('-'));
  const isGroup =
    found === undefined &&
    words.length === argv.filter((word) => word !== '--help' && word !== '-h').length &&
    commands.some(
      (command) => command.path.length > words.length && words.every((word, i) => command.path[i] === word),
    );
  if (isGroup) {
    const asked = argv.includes('--help') || argv.includes('-h');
    (asked ? io.out : io.err)(overview(words));
    return asked ? 0 : 2;
  }
  if (found === undefined) {
    io.err(`ssokit: unknown command "${argv.join(' ')}"\n\n${overview()}`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.out(found.command.usage);
    return 0;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.err(`ssokit: ${error.message}\n\n${found.command.usage}`);
      return 2;
    }
    io.err(`ssokit: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
