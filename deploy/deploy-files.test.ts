import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const here = new URL('.', import.meta.url).pathname;
const read = (name: string) => readFileSync(join(here, name), 'utf8');

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

describe('deploy/Dockerfile', () => {
  const steps = instructions(read('Dockerfile'));
  const stages = steps.filter((step) => step.op === 'FROM');
  const last = steps.slice(steps.lastIndexOf(stages.at(-1) as { op: string; args: string }));

  it('is multi-stage, and the runtime stage copies from the build stage', () => {
    assert.ok(stages.length >= 2, 'one FROM per stage');
    assert.match(stages[0]?.args ?? '', / AS build$/i);
    assert.ok(last.some((step) => step.op === 'COPY' && step.args.includes('--from=build')));
    for (const stage of stages)
      assert.doesNotMatch(stage.args, /:latest\b|^[^:]+( |$)/, 'pinned base images');
  });

  it('runs as a non-root user in the final stage', () => {
    const users = last.filter((step) => step.op === 'USER');
    assert.equal(users.length, 1);
    assert.doesNotMatch(users[0]?.args ?? 'root', /^(root|0)(:|$)/);
    const userAt = last.indexOf(users[0] as { op: string; args: string });
    assert.ok(
      last.slice(userAt).every((step) => step.op !== 'RUN'),
      'nothing runs as root after USER',
    );
  });

  it('has a HEALTHCHECK on /healthz, JSON-form ENTRYPOINT and CMD, and no secret in ENV or ARG', () => {
    const health = last.filter((step) => step.op === 'HEALTHCHECK');
    assert.equal(health.length, 1);
    assert.match(health[0]?.args ?? '', /--interval=\d+s .*CMD \[.*\/healthz/);
    for (const op of ['ENTRYPOINT', 'CMD']) {
      const step = last.find((s) => s.op === op);
      assert.ok(step, op);
      assert.doesNotThrow(() => JSON.parse(step.args), `${op} in exec form`);
    }
    for (const step of steps.filter((s) => s.op === 'ENV' || s.op === 'ARG')) {
      assert.doesNotMatch(step.args, /(PASSWORD|SECRET|_DB=|_REDIS=)/i, step.args);
    }
    assert.ok(steps.some((step) => step.op === 'EXPOSE' && /\b9000\b/.test(step.args)));
  });

  it('passes hadolint where it is installed', {
    skip: spawnSync('hadolint', ['--version']).status !== 0 && 'hadolint is not installed',
  }, () => {
    const result = spawnSync('hadolint', ['--failure-threshold', 'warning', join(here, 'Dockerfile')], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});

describe('deploy/ssokit-provider@.service', () => {
  const hasSystemd = spawnSync('systemd-analyze', ['--version']).status === 0;
  it('passes systemd-analyze verify', { skip: !hasSystemd && 'systemd-analyze is not installed' }, () => {
    const folder = mkdtempSync(join(tmpdir(), 'ssokit-unit-'));
    try {
      // A template is verified as one of its instances.
      const unit = join(folder, 'ssokit-provider@9001.service');
      copyFileSync(join(here, 'ssokit-provider@.service'), unit);
      const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
      const complaints = `${result.stdout}${result.stderr}`
        .split('\n')
        .filter(
          (line) =>
            line.includes('ssokit-provider@9001') && !/\/opt\/ssokit|ssokit\.service.*not found/.test(line),
        );
      assert.equal(result.status, 0, complaints.join('\n'));
      assert.deepEqual(complaints, []);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs the CLI unprivileged, drains on SIGTERM within its stop timeout, restarts only on failure', () => {
    const unit = read('ssokit-provider@.service');
    assert.match(
      unit,
      /^ExecStart=\/usr\/bin\/node \/opt\/ssokit\/packages\/cli\/bin\/ssokit\.js provider serve$/m,
    );
    assert.match(unit, /^User=ssokit$/m);
    assert.match(unit, /^NoNewPrivileges=yes$/m);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    assert.match(unit, /^Restart=on-failure$/m);
    // The stop timeout outlasts the provider's drain timeout (10 s by default).
    assert.ok(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]) > 10);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const providers = Object.entries(compose.services).filter(([name]) => name.startsWith('provider-'));

  it('runs several providers on PostgreSQL and Redis, each waiting for them to be healthy', () => {
    assert.ok(providers.length >= 2);
    for (const [name, service] of providers) {
      const env = service.environment as Record<string, string>;
      assert.match(
        env.SSOKIT_PROVIDER_DB ?? '',
        /^postgres:\/\/ssokit:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\//,
        name,
      );
      assert.equal(env.SSOKIT_PROVIDER_REDIS, 'redis://redis:6379');
      assert.equal(env.SSOKIT_PROVIDER_TRUST_PROXY, '1');
      assert.deepEqual(service.depends_on, {
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      assert.equal((service.build as { dockerfile: string }).dockerfile, 'deploy/Dockerfile');
      assert.equal(service.ports, undefined, 'providers are reached through the proxy only');
    }
  });

  it('gives PostgreSQL and Redis health checks and volumes, and no password in clear', () => {
    for (const name of ['postgres', 'redis']) {
      const service = compose.services[name] as { healthcheck?: { test?: unknown }; volumes?: string[] };
      assert.ok(service.healthcheck?.test, `${name} healthcheck`);
      const [volume] = (service.volumes?.[0] ?? '').split(':');
      assert.ok(volume && volume in compose.volumes, `${name} keeps its data in a named volume`);
    }
    const env = compose.services.postgres?.environment as Record<string, string>;
    assert.match(env.POSTGRES_PASSWORD ?? '', /^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('puts a TLS-terminating proxy in front that balances on /readyz', () => {
    const proxy = compose.services.proxy as { ports: string[] };
    assert.ok(proxy.ports.includes('443:443'));
    const caddy = read('Caddyfile');
    for (const [name] of providers) assert.ok(caddy.includes(`${name}:9000`), name);
    assert.match(caddy, /health_uri \/readyz/);
  });
});
