import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  packages: Record<string, string>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The installed version of a package, read from node_modules (what actually ran). */
function installedVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')) as {
      version?: string;
    };
    return json.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

// `os.cpus()` only says "AMD EPYC" on some VMs; /proc/cpuinfo may say more.
function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    // Not Linux: fall through.
  }
  return cpus()[0]?.model ?? 'unknown';
}

const PACKAGES = [
  'ssokit',
  '@ssokit/provider',
  '@ssokit/stores',
  '@ssokit/protocol',
  'express',
  'express-session',
  'passport',
  'connect-redis',
  'oidc-provider',
  'openid-client',
  'autocannon',
  'better-sqlite3',
  'pg',
  'ioredis',
  'memjs',
  'kysely',
  '@node-rs/argon2',
];

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}
