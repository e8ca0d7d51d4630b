/** One `ssokit` sub-command. Commands write through `io` so tests can run them in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliCommand {
  /** Words that select it, e.g. ['provider', 'user', 'add']. */
  path: readonly string[];
  /** One line for `ssokit --help`. */
  summary: string;
  /** Full usage text, printed on `--help` or a usage error. */
  usage: string;
  /** Runs with the remaining arguments; returns the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
