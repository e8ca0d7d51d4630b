import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { tcpBalancer } from './tcp-balancer.ts';
import { ask, replyServer } from './test-servers.ts';

describe('tcpBalancer()', () => {
  it('sends connections to each upstream in turn, and to the other one when one refuses', async () => {
    const one = await replyServer(() => 'one');
    const two = await replyServer(() => 'two');
    const balancer = await tcpBalancer([one.port, two.port]);
    try {
      const answers = [await ask(balancer.port, 'x'), await ask(balancer.port, 'x')];
      assert.deepEqual(answers.sort(), ['one', 'two']);
      one.server.close();
      await once(one.server, 'close');
      const afterClose = [];
      for (let i = 0; i < 4; i++) afterClose.push(await ask(balancer.port, 'x'));
      assert.deepEqual(afterClose, ['two', 'two', 'two', 'two']);
      assert.equal(balancer.forwarded.get(two.port), 5);
    } finally {
      await balancer.close();
      two.server.close();
    }
  });
});
