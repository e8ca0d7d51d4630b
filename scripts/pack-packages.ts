import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace's root folder. */
export const workspaceRoot = fileURLToPath(new URL('..', import.meta.url));

const NPM_NETWORK_SETTINGS =
  /^npm_config_(registry|@[^:]+:registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|cafile|ca|strict_ssl)$/i;

/**
 * The environment of a process that must see the packages as an installed app does: without
 * the workspace's `--conditions=@ssokit/source` (NODE_OPTIONS from .npmrc or run-tests.mjs),
 * under which `exports` would name sources that a tarball has but an app cannot run.
 */
export function installedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  const nodeOptions = (env.NODE_OPTIONS ?? '').replace(/--conditions[= ]@ssokit\/source/g, '').trim();
  if (nodeOptions === '') delete env.NODE_OPTIONS;
  else env.NODE_OPTIONS = nodeOptions;
  // The variables npm sets for a script (`npm test`) would point an npm run here back at the
  // workspace (npm_config_local_prefix) and restore the condition (npm_config_node_options).
  // Kept: where packages come from and how to reach it.
  for (const key of Object.keys(env)) {
    if (key.startsWith('npm_') && !NPM_NETWORK_SETTINGS.test(key)) delete env[key];
  }
  return env;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; rejects with its output when it fails or outlives `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? installedEnv(),
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr });
        else reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      },
    );
  });
}

export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside the package, e.g. `dist/index.js`. */
  files: string[];
}

/**
 * Builds every package (`tsc -b`, only what changed) and packs each into `destination` with
 * `npm pack`, as `npm publish` would.
 */
export async function buildAndPack(destination: string): Promise<PackedPackage[]> {
  const tsc = join(workspaceRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: workspaceRoot, timeoutMs: 300_000 });
  // --ignore-scripts: the build above is each package's prepack.
  const { stdout } = await run(
    'npm',
    ['pack', '--workspaces', '--ignore-scripts', '--json', '--pack-destination', destination],
    { cwd: workspaceRoot },
  );
  const packed = JSON.parse(stdout) as {
    name: string;
    version: string;
    filename: string;
    files: { path: string }[];
  }[];
  return packed.map((entry) => ({
    name: entry.name,
    version: entry.version,
    tarball: join(destination, entry.filename),
    files: entry.files.map((file) => file.path),
  }));
}
