import { pino } from 'pino';

/**
 * The logger of ssokit's provider and client app in the benchmarks: pino at its default level
 * (info), so the cost of a log line per login is measured as a user would pay it, written to
 * /dev/null; errors are also shown on stderr (everything with `BENCH_LOG=1`, to debug).
 */
export function benchLogger(name: string) {
  if (process.env.BENCH_LOG === '0') return pino({ name, level: 'silent' });
  if (process.env.BENCH_LOG === '1') return pino({ name, level: 'info' }, pino.destination(2));
  return pino(
    { name, level: 'info' },
    pino.multistream([
      // Synchronous, as ssokit's default loggers (stdout / stderr) are.
      { level: 'info', stream: pino.destination({ dest: '/dev/null', sync: true }) },
      { level: 'error', stream: pino.destination(2) },
    ]),
  );
}
