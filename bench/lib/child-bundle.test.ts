import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleChildren, CHILD_ENTRIES, type ChildBundle } from './child-bundle.ts';
import { nextMessage, stopChild } from './child-process.ts';

const benchRoot = fileURLToPath(new URL('../', import.meta.url));
let bundle: ChildBundle;

before(async () => {
  bundle = await bundleChildren(`${benchRoot}results/test-children-${process.pid}`);
});
after(() => bundle.remove());

test('bundles every child entry point', () => {
  assert.equal(bundle.entries.size, CHILD_ENTRIES.length);
  for (const entry of CHILD_ENTRIES) {
    const file = bundle.entries.get(`${benchRoot}${entry}`);
    assert.ok(file !== undefined && existsSync(file), `${entry} -> ${file}`);
  }
});

test('a bundled ssokit route server starts with plain node and serves the signed-in user', async () => {
  const file = bundle.entries.get(`${benchRoot}route/route-server.ts`) as string;
  // No tsx: the workspace's TypeScript is in the bundle, packages (native drivers too) resolve
  // from node_modules.
  const child = spawn(process.execPath, [file, 'ssokit-memory', '{}'], {
    stdio: ['ignore', 'ignore', 2, 'ipc'],
  });
  try {
    const { url, cookie } = await nextMessage<{ type: 'ready'; url: string; cookie: string }>(child, 'ready');
    const response = await fetch(url, { headers: { cookie } });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /bench-user-0/);
  } finally {
    await stopChild(child);
  }
});

test('removes its directory', async () => {
  const other = await bundleChildren(`${benchRoot}results/test-children-${process.pid}-removed`);
  const file = [...other.entries.values()][0] as string;
  assert.ok(existsSync(file));
  other.remove();
  assert.ok(!existsSync(file));
});
