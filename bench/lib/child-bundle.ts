import { rmSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const benchRoot = fileURLToPath(new URL('../', import.meta.url));

/** Every file the bench starts as a child process (`spawnPinned`), relative to bench/. */
export const CHILD_ENTRIES = [
  'route/route-server.ts',
  'route/load-generator.ts',
  'login/ssokit-client-server.ts',
  'login/ssokit-provider-server.ts',
  'login/oidc-relying-party-server.ts',
  'login/oidc-provider-server.ts',
  'login/argon2-timing.ts',
  'memory/memory-child.ts',
] as const;

// The workspace's packages go into the bundle as TypeScript sources (under the `@ssokit/source`
// condition their `exports` name src/*.ts, not the built dist/). Every other package stays an
// import that Node resolves from node_modules, as it would without the bundle (native addons,
// worker files and package data stay where they are).
const WORKSPACE_PACKAGE = /^(ssokit|@ssokit\/[^/]+)(\/|$)/;
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, (args) =>
      WORKSPACE_PACKAGE.test(args.path) ? undefined : { path: args.path, external: true },
    );
  },
};

export interface ChildBundle {
  /** The bundled `.js` file of each entry, by the entry's absolute `.ts` path. */
  entries: Map<string, string>;
  /** Deletes the bundle's directory. */
  remove(): void;
}

/**
 * Bundles the child entry points (bench code and the workspace's sources, shared code in common
 * chunks) into `directory`, so that children start with plain `node`: tsx compiles and resolves
 * every module at start-up through its loader hooks, which costs a child about twice the CPU
 * (3.9-5.6 s against 2.1 s for an ssokit route server on this 2-core VM). `directory` must be
 * inside the repository: the bundle's imports of packages resolve from its node_modules.
 */
export async function bundleChildren(directory: string): Promise<ChildBundle> {
  rmSync(directory, { recursive: true, force: true });
  const entryPoints = CHILD_ENTRIES.map((entry) => `${benchRoot}${entry}`);
  await build({
    entryPoints,
    outdir: directory,
    outbase: benchRoot,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    conditions: ['@ssokit/source'],
    // Stack traces name the sources, as they do under tsx.
    sourcemap: true,
    logLevel: 'warning',
    plugins: [externalPackages],
  });
  const entries = new Map(
    entryPoints.map((entry) => [entry, `${directory}/${relative(benchRoot, entry).replace(/\.ts$/, '.js')}`]),
  );
  return { entries, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
