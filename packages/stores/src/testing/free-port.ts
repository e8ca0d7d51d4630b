import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A TCP port nobody listens on right now, for a server whose port must be known before it
 * starts or that must come back on the same port (a restarted Redis, a provider).
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const probe = createServer();
  probe.listen(0, host);
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}
