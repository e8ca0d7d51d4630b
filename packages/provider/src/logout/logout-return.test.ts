import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClientRecord, staticClientRegistry } from '../clients/client-registry.ts';
import { logoutReturnOf, safeLogoutReturn } from './logout-return.ts';

const client = (host: string, scheme?: 'http' | 'https'): ClientRecord => ({
  apiKey: 'k1',
  secrets: ['s'],
  allowedEndpoints: [],
  host,
  ...(scheme === undefined ? {} : { scheme }),
});

describe('safeLogoutReturn', () => {
  const app = client('app.example');
  const good: [string, ClientRecord, string][] = [
    ['http://app.example/', app, 'http://app.example/'],
    ['https://app.example/after?x=1', app, 'https://app.example/after?x=1'],
    ['HTTP://APP.EXAMPLE/a', app, 'http://app.example/a'],
    ['http://app.example:80/', app, 'http://app.example/'],
    ['https://app.example:443/', app, 'https://app.example/'],
    ['http://localhost:8000/bye/', client('localhost:8000'), 'http://localhost:8000/bye/'],
    ['https://app.example/', client('app.example', 'https'), 'https://app.example/'],
  ];
  for (const [next, record, expected] of good) {
    it(`returns to ${next}`, () => assert.equal(safeLogoutReturn(next, record), expected));
  }

  const bad: [string, ClientRecord][] = [
    ['https://evil.example/', app],
    ['https://app.example.evil.example/', app],
    ['https://evil.example/app.example', app],
    ['https://app.example@evil.example/', app],
    ['https://user:pw@app.example/', app],
    ['https://user@app.example/', app],
    ['http://app.example:8080/', app],
    ['http://localhost:8001/', client('localhost:8000')],
    ['http://localhost/', client('localhost:8000')],
    ['http://app.example/', client('app.example', 'https')],
    ['http:\\\\evil.example/', app],
    ['https://app.example\\@evil.example/', app],
    ['http://app.example/\\evil', app],
    ['//app.example/', app],
    ['/local/path', app],
    ['app.example/', app],
    ['javascript:alert(1)//app.example', app],
    ['ftp://app.example/', app],
    ['data:text/html,app.example', app],
    [' https://app.example/', app],
    ['https://app.example/ x', app],
    ['https://app.example/\tx', app],
    ['https://äpp.example/', client('xn--pp-via.example')],
    ['', app],
    [`https://app.example/${'a'.repeat(2000)}`, app],
  ];
  for (const [next, record] of bad) {
    it(`refuses ${JSON.stringify(next)} for ${record.host}`, () =>
      assert.equal(safeLogoutReturn(next, record), undefined));
  }

  it('refuses everything for a client without a host, and without a client', () => {
    assert.equal(safeLogoutReturn('https://app.example/', { ...app, host: null }), undefined);
    assert.equal(safeLogoutReturn('https://app.example/', undefined), undefined);
    assert.equal(safeLogoutReturn(undefined, app), undefined);
  });
});

describe('logoutReturnOf', () => {
  const clients = staticClientRegistry([client('app.example')]);

  it('returns to the host of the client named by its key only', async () => {
    assert.deepEqual(await logoutReturnOf(clients, 'k1', 'https://app.example/bye'), {
      apiKey: 'k1',
      url: 'https://app.example/bye',
    });
    assert.equal(await logoutReturnOf(clients, 'nope', 'https://app.example/bye'), undefined);
    assert.equal(await logoutReturnOf(clients, undefined, 'https://app.example/bye'), undefined);
    assert.equal(await logoutReturnOf(clients, 'k1', undefined), undefined);
    assert.equal(await logoutReturnOf(clients, 'k 1', 'https://app.example/bye'), undefined);
  });

  it('ends at home (undefined) when the registry cannot answer', async () => {
    const down = { findApiKey: async () => Promise.reject(new Error('database down')) };
    assert.equal(await logoutReturnOf(down, 'k1', 'https://app.example/'), undefined);
  });
});
