import { once } from 'node:events';
import { connect, createServer } from 'node:net';

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

/**
 * True once something accepts TCP connections on the port: a started server is ready. A
 * connect that neither succeeds nor fails within a second counts as not answering.
 */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
