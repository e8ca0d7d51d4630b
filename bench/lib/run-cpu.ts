import { readFileSync } from 'node:fs';

// Linux reports times in /proc in clock ticks of USER_HZ, which is 100 on every architecture
// Node runs on.
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) used so far by this process and by its children that have
 * exited: what a run costs the machine, which other work on it does not change the way it
 * changes wall time. Linux only (/proc); elsewhere this process's own time alone.
 */
export function runCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3, utime, stime, cutime and cstime are fields 14 to 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
    return ticks / TICKS_PER_SECOND;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  }
}
