/**
 * The packages as users get them: built, packed with `npm pack`, installed from the tarballs
 * into a fresh app in the system's temporary folder (outside the workspace, so nothing resolves
 * to the workspace's sources or node_modules), then used the ways users use them: an ESM Express
 * app that signs a user in against a ssokit provider, a CommonJS app, a TypeScript app checked
 * under node16 and bundler resolution, and the installed `ssokit` command.
 *
 * One install serves every case (scripts/packed-app/ holds the app's files). better-sqlite3 is
 * left out of the install at first (the missing-driver case), then linked from the workspace:
 * compiling it would take about 90 s; the other packages come from the registry or npm's cache.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { protocolVectors } from '../fixtures/protocol-vectors.ts';
import { submitProviderForm } from '../packages/client/test/test-app.ts';
import { TestBrowser } from '../packages/client/test/test-browser.ts';
import { buildAndPack, installedEnv, type PackedPackage, run, workspaceRoot } from './pack-packages.ts';

const TEN_MINUTES = 600_000;
const folder = mkdtempSync(join(tmpdir(), 'ssokit-packed-'));
const app = join(folder, 'app');
const tsc = join(workspaceRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const ssokitBin = join(app, 'node_modules', '.bin', 'ssokit');
let packed: PackedPackage[] = [];

/** Runs node in the app folder, as the app's users do (no workspace condition). */
function nodeInApp(args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, args, { cwd: app, env: installedEnv(env) });
}

/** The `exports` targets of a package.json, without the workspace's source condition. */
function exportTargets(manifest: { exports: Record<string, string | Record<string, string>> }): string[] {
  return Object.values(manifest.exports).flatMap((target) =>
    typeof target === 'string'
      ? [target]
      : Object.entries(target)
          .filter(([condition]) => condition !== '@ssokit/source')
          .map(([, path]) => path),
  );
}

/** Every entry point of the workspace's packages (`ssokit`, `ssokit/express`, …), from their `exports`. */
function workspaceEntryPoints(): string[] {
  const workspaces: string[] = JSON.parse(
    readFileSync(join(workspaceRoot, 'package.json'), 'utf8'),
  ).workspaces;
  return workspaces.flatMap((workspace) => {
    const manifest = JSON.parse(readFileSync(join(workspaceRoot, workspace, 'package.json'), 'utf8'));
    return Object.keys(manifest.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => manifest.name + subpath.slice(1));
  });
}

/** Resolves with the first line the child prints on stdout. */
async function firstLine(child: ChildProcess): Promise<string> {
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output within 30 s\n${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      resolve(stdout.slice(0, end));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing a line\n${stdout}\n${stderr}`));
    });
  });
}

describe('the packed packages, installed from their tarballs into an app outside the workspace', () => {
  before(
    async () => {
      const tarballs = join(folder, 'tarballs');
      mkdirSync(tarballs);
      packed = await buildAndPack(tarballs);
      cpSync(join(workspaceRoot, 'scripts', 'packed-app'), app, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
      for (const { name, tarball } of packed) manifest.dependencies[name] = `file:${relative(app, tarball)}`;
      writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
      // --prefer-offline: express and the other dependencies come from npm's cache when it has
      // them. --ignore-scripts: nothing here needs an install script.
      await run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error'],
        { cwd: app, timeoutMs: 300_000 },
      );
    },
    { timeout: TEN_MINUTES },
  );
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('packs every workspace package with its build, README, LICENSE and CHANGELOG, and no tests', () => {
    const workspaces: string[] = JSON.parse(
      readFileSync(join(workspaceRoot, 'package.json'), 'utf8'),
    ).workspaces;
    assert.equal(packed.length, workspaces.length);
    for (const { name, files } of packed) {
      const folderOf = workspaces.find(
        (workspace) =>
          JSON.parse(readFileSync(join(workspaceRoot, workspace, 'package.json'), 'utf8')).name === name,
      ) as string;
      const manifest = JSON.parse(readFileSync(join(workspaceRoot, folderOf, 'package.json'), 'utf8'));
      for (const required of [
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        ...exportTargets(manifest),
      ]) {
        assert.ok(files.includes(required.replace(/^\.\//, '')), `${name} lacks ${required}`);
      }
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (subpath === './package.json') continue;
        // The shape CONTRIBUTING.md describes: sources for the workspace, then the build.
        const base = subpath === '.' ? 'index' : `${subpath.slice(2)}/index`;
        assert.deepEqual(
          target,
          {
            '@ssokit/source': `./src/${base}.ts`,
            types: `./dist/${base}.d.ts`,
            import: `./dist/${base}.js`,
            default: `./dist/${base}.js`,
          },
          `${name} exports ${subpath}`,
        );
      }
      const unwanted = files.filter((file) => /\.test\.|(^|\/)(test|fixtures)\/|tsbuildinfo/.test(file));
      assert.deepEqual(unwanted, [], `${name} ships test files`);
    }
  });

  it('installs the packages from the tarballs, one copy each', () => {
    for (const { name, version } of packed) {
      const installed = JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8'));
      assert.equal(installed.version, version);
      assert.ok(existsSync(join(app, 'node_modules', name, 'dist')), `${name} installed without dist/`);
    }
    for (const { name } of packed) {
      for (const other of packed) {
        const nested = join(app, 'node_modules', name, 'node_modules', other.name);
        assert.ok(!existsSync(nested), `${name} has its own copy of ${other.name}`);
      }
    }
  });

  it('without better-sqlite3, says which package to install for the default SQLite user storage', async () => {
    assert.ok(!existsSync(join(app, 'node_modules', 'better-sqlite3')), 'better-sqlite3 is installed');
    const { stdout } = await nodeInApp(['missing-driver.mjs']);
    // The rest uses SQLite: the workspace's compiled driver (its dependencies resolve from there).
    symlinkSync(
      join(workspaceRoot, 'node_modules', 'better-sqlite3'),
      join(app, 'node_modules', 'better-sqlite3'),
    );
    assert.equal(
      stdout.trim(),
      'TypeError: database url sqlite:ssokit-client.sqlite needs the "better-sqlite3" package, which is not ' +
        'installed; install better-sqlite3: npm install better-sqlite3',
    );
  });

  it('signs a user in: a plain ESM Express app with ssokit/express against @ssokit/provider', async () => {
    const child = spawn(process.execPath, ['login-app.mjs'], { cwd: app, env: installedEnv() });
    try {
      const { providerUrl, clientUrl } = JSON.parse(await firstLine(child)) as Record<string, string>;
      const browser = new TestBrowser();
      const page = await browser.request(`${clientUrl}/private`);
      assert.equal(page.rawLocation, '/accounts/login/?next=%2Fprivate');
      const login = await browser.request(page.location ?? '');
      assert.ok(login.location?.startsWith(`${providerUrl}/`), `login went to ${login.location}`);
      const form = await browser.request(login.location ?? '');
      const callback = await submitProviderForm(browser, form, 'alice', 's3cret!');
      assert.equal(callback.status, 302, callback.body);
      const done = await browser.request(callback.location ?? '');
      assert.equal(done.rawLocation, '/private');
      assert.equal((await browser.request(`${clientUrl}/private`)).body, 'mail: alice@example.com');
      assert.equal((await browser.request(`${clientUrl}/`)).body, 'hello alice');
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });

  it('imports every entry point of every package in an ESM app', async () => {
    const { stdout } = await nodeInApp(['import-all.mjs']);
    assert.deepEqual(JSON.parse(stdout).sort(), workspaceEntryPoints().sort());
  });

  it('loads every entry point with require() in a CommonJS app', async () => {
    const { stdout, stderr } = await nodeInApp(['require-app.cjs']);
    assert.doesNotMatch(stderr, /Warning|Error/);
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1] ?? '');
    assert.deepEqual(result.entryPoints.sort(), workspaceEntryPoints().sort());
    delete result.entryPoints;
    assert.deepEqual(result, {
      functions: ['function', 'function', 'function', 'function', 'function', 'function'],
      ssoError: 'SIGNATURE_ERROR',
      privateStatus: 302,
      privateLocation: '/accounts/login/?next=%2Fprivate',
      signed: protocolVectors.cases.find((vector) => vector.name === 'request-token')?.url,
    });
  });

  it('type-checks a TypeScript app with tsc --strict under node16, bundler and (for .cts) nodenext', async () => {
    // Each config has a @ts-expect-error on a misspelled option: tsc fails if it is not an error.
    await Promise.all(
      ['node16', 'bundler', 'require'].map((config) =>
        run(process.execPath, [tsc, '-p', `tsconfig.${config}.json`], { cwd: app }),
      ),
    );
  });

  it('runs the installed ssokit command with plain node: --help and sign', async () => {
    const help = await run('npx', ['--no-install', 'ssokit', '--help'], { cwd: app });
    assert.match(help.stdout, /^Usage: ssokit <command>/);
    assert.match(help.stdout, /ssokit sign +Print a dj-api-auth signed path\+query/);
    for (const vector of protocolVectors.cases.filter((v) => !v.verify_only)) {
      const query = new URLSearchParams(vector.params ?? []).toString();
      const signed = await nodeInApp([
        ssokitBin,
        'sign',
        '--apikey',
        vector.apikey,
        '--seckey',
        vector.seckey,
        '--timestamp',
        vector.timestamp,
        ...(vector.body === undefined ? [] : ['--body', vector.body]),
        query === '' ? vector.path : `${vector.path}?${query}`,
      ]);
      assert.equal(signed.stdout, `${vector.url}\n`, vector.name);
    }
    const added = await nodeInApp([
      ssokitBin,
      'provider',
      'user',
      'add',
      'bob',
      '--password',
      'pw',
      '--db',
      'sqlite:cli.sqlite',
    ]);
    assert.match(added.stdout, /^added user bob \(id \d+\)/);
  });

  it('loads only what a command needs: nothing beyond the CLI for --help, @ssokit/protocol for sign', async () => {
    const loaded = async (...args: string[]) => {
      const file = join(folder, `modules-${args[0]}.txt`);
      await nodeInApp(['--import', './record-modules.mjs', ssokitBin, ...args], { RECORD_MODULES: file });
      const urls = readFileSync(file, 'utf8').split('\n');
      const packages = urls
        .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
        .filter((name) => name !== undefined);
      return [...new Set(packages)].sort();
    };
    assert.deepEqual(await loaded('--help'), ['@ssokit/cli']);
    const vector = protocolVectors.cases[0];
    assert.ok(vector !== undefined);
    assert.deepEqual(
      await loaded('sign', '--apikey', vector.apikey, '--seckey', vector.seckey, vector.path),
      // The protocol's main entry brings its one dependency (cookie, for its cookie helpers).
      ['@ssokit/cli', '@ssokit/protocol', 'cookie'],
    );
  });
});
