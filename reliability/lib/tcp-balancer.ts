import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The load balancer in front of the two providers, as a deployment has one: TCP, round robin
 * per connection, and a refused connection is tried on the next provider (what a balancer's
 * health check gives). A connection whose provider dies is cut, as a real balancer cuts it.
 */
export interface TcpBalancer {
  readonly port: number;
  /** Connections forwarded to each upstream port. */
  readonly forwarded: Map<number, number>;
  close(): Promise<void>;
}

export async function tcpBalancer(upstreamPorts: number[]): Promise<TcpBalancer> {
  const sockets = new Set<Socket>();
  const forwarded = new Map<number, number>(upstreamPorts.map((port) => [port, 0]));
  let next = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    client.on('error', () => client.destroy());
    const first = next++ % upstreamPorts.length;
    const tryUpstream = (attempt: number) => {
      if (attempt >= upstreamPorts.length || client.destroyed) {
        client.destroy();
        return;
      }
      const port = upstreamPorts[(first + attempt) % upstreamPorts.length] as number;
      const upstream = connect({ host: '127.0.0.1', port });
      track(upstream);
      // Before the connection is up, an error means this provider is down: try the next one.
      upstream.once('error', () => {
        upstream.destroy();
        tryUpstream(attempt + 1);
      });
      upstream.once('connect', () => {
        forwarded.set(port, (forwarded.get(port) ?? 0) + 1);
        upstream.removeAllListeners('error');
        upstream.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
    };
    tryUpstream(0);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return {
    port: address.port,
    forwarded,
    async close() {
      const closed = once(server, 'close');
      server.close();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
