import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { answerOf, ask, replyServer } from '../../../reliability/lib/test-servers.ts';
import { tcpProxy } from './tcp-proxy.ts';

describe('tcpProxy()', () => {
  it('freeze() holds every byte of open and new connections until thaw()', async () => {
    const upstream = await replyServer((chunk) => `re:${chunk}`);
    const proxy = tcpProxy({ host: '127.0.0.1', port: upstream.port });
    await proxy.start();
    const open = connect({ host: '127.0.0.1', port: proxy.port });
    try {
      open.write('a');
      assert.equal(await answerOf(open, 2000), 're:a');
      proxy.freeze();
      open.write('b');
      const held = answerOf(open, 5000);
      assert.equal(
        await ask(proxy.port, 'c', 300),
        undefined,
        'a new connection is not answered while frozen',
      );
      proxy.thaw();
      assert.equal(await held, 're:b');
      assert.equal(await ask(proxy.port, 'd'), 're:d');
    } finally {
      open.destroy();
      await proxy.stop();
      upstream.server.close();
    }
  });
});
