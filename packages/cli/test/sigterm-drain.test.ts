import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { eventually } from '@ssokit/stores/testing';
import { main } from '../src/main.ts';

const BIN = new URL('../bin/ssokit.js', import.meta.url).pathname;
const PASSWORD = 'Drain-Test-Passw0rd';
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];

interface Served {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  stdout: string[];
}

async function startServe(db: string): Promise<Served> {
  const child = spawn(
    process.execPath,
    [BIN, 'provider', 'serve', '--port', '0', '--metrics-port', '0', '--db', db, '--drain-timeout', '30'],
    { env: { ...process.env, SSOKIT_PROVIDER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stdout: string[] = [];
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let url = '';
  let metricsUrl = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`provider serve exited with ${code}: ${stdout.join('\n')}`)),
    );
    lines.on('line', (line) => {
      stdout.push(line);
      url ||= /listening on (http:\/\/\S+)/.exec(line)?.[1] ?? '';
      metricsUrl ||= /metrics: +(http:\/\/\S+)/.exec(line)?.[1] ?? '';
      if (/SSO endpoints under/.test(line)) resolve();
    });
  });
  assert.ok(url && metricsUrl, stdout.join('\n'));
  return { child, url, metricsUrl, stdout };
}

/** A sign-in POST with all of its body but the last byte sent: the server holds it in flight. */
async function startSignIn(url: string, username: string) {
  const form = await fetch(`${url}/login/`);
  const cookie = (form.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const body = Buffer.from(
    new URLSearchParams({ csrf_token: csrf, username, password: PASSWORD }).toString(),
  );
  const target = new URL('/login/', url);
  let req: ClientRequest | undefined;
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent: false,
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': body.length,
        },
      },
      resolve,
    );
    req.on('error', reject);
  });
  const sent = req as unknown as ClientRequest;
  sent.flushHeaders();
  sent.write(body.subarray(0, body.length - 1));
  return {
    finish() {
      sent.end(body.subarray(body.length - 1));
      return answered;
    },
  };
}

async function metric(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

describe('SIGTERM to a provider process with sign-ins in flight', () => {
  let folder: string;
  let db: string;
  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ssokit-drain-'));
    db = `sqlite:${join(folder, 'provider.sqlite')}`;
    const io = { out: () => {}, err: (line: string) => process.stderr.write(`${line}\n`) };
    for (const user of USERS) {
      assert.equal(await main(['provider', 'user', 'add', user, '--password', PASSWORD, '--db', db], io), 0);
    }
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('stops accepting, answers every sign-in in flight, then exits 0', async () => {
    const served = await startServe(db);
    const exited = once(served.child, 'exit');
    try {
      const ready = await fetch(`${served.url}/readyz`);
      assert.equal(ready.status, 200);
      const inFlight = await Promise.all(USERS.map((user) => startSignIn(served.url, user)));
      // Every POST has reached the server's handler (headers read, body still arriving).
      await eventually(
        async () =>
          (await metric(served.metricsUrl, 'ssokit_provider_http_requests_in_flight')) === USERS.length,
        10_000,
        'the sign-ins are in flight',
      );
      served.child.kill('SIGTERM');
      // The listener closes at once: a new connection is refused from then on.
      await eventually(
        () =>
          fetch(`${served.url}/healthz`).then(
            () => false,
            () => true,
          ),
        10_000,
        'the provider stopped accepting',
      );
      const answers = await Promise.all(inFlight.map((signIn) => signIn.finish()));
      for (const answer of answers) {
        assert.equal(answer.statusCode, 302);
        assert.equal(answer.headers.location, '/');
        assert.match(String(answer.headers['set-cookie']), /ssokit_provider_session=/);
        assert.equal(answer.headers.connection, 'close');
        answer.resume();
      }
      const [code] = await exited;
      assert.equal(code, 0);
      assert.ok(served.stdout.includes('SIGTERM: stopping'), served.stdout.join('\n'));
    } finally {
      if (served.child.exitCode === null) served.child.kill('SIGKILL');
    }
  });
});
