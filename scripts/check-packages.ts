// `npm run check:packages`: builds and packs every package, then lints each tarball with publint
// (package.json fields, files that exports name) and @arethetypeswrong/cli (types resolve like
// the JavaScript under node16 and bundler resolution). Exit code 1 if either finds a problem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAndPack, run, workspaceRoot } from './pack-packages.ts';

const bin = (name: string) => join(workspaceRoot, 'node_modules', '.bin', name);
const destination = mkdtempSync(join(tmpdir(), 'ssokit-check-packages-'));
let failed = 0;
try {
  const packed = await buildAndPack(destination);
  // The packages in parallel (the tools spend their time in TypeScript, on one core each),
  // reported in order.
  const reports = await Promise.all(
    packed.map(async ({ name, tarball }) => {
      const checks: [string, string, string[]][] = [
        ['publint', bin('publint'), ['run', '--strict', tarball]],
        // esm-only: the packages are ES modules only. CommonJS apps load them with require() on
        // Node 20.19+ (no top-level await anywhere); attw's node16-from-CJS warning and the
        // legacy node10 resolution (no `exports`) do not apply. See CONTRIBUTING.md.
        ['attw', bin('attw'), ['--profile', 'esm-only', '--no-color', '--format', 'table-flipped', tarball]],
      ];
      const lines: string[] = [];
      for (const [tool, command, args] of checks) {
        try {
          await run(command, args, { cwd: destination });
          lines.push(`ok      ${tool} ${name}`);
        } catch (error) {
          failed++;
          lines.push(`FAILED  ${tool} ${name}\n${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return lines.join('\n');
    }),
  );
  console.log(reports.join('\n'));
} finally {
  rmSync(destination, { recursive: true, force: true });
}
if (failed > 0) {
  console.log(`${failed} package check(s) failed`);
  process.exitCode = 1;
}
