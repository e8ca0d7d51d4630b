import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real database, which a test can cut off and bring back on the same
 * port, or freeze: an outage of PostgreSQL or MariaDB without stopping the server other suites
 * use.
 */
export interface TcpProxy {
  /** The port the proxy listens on (fixed at the first `start()`). */
  readonly port: number;
  start(): Promise<void>;
  /** Stops listening and cuts every open connection, as a crashed server would. */
  stop(): Promise<void>;
  /**
   * Stops forwarding in both directions while keeping every connection open and accepting new
   * ones, as a server that hangs (SIGSTOP, a full disk, a network partition) does: nothing is
   * refused, nothing is answered. What is sent meanwhile waits and is delivered on `thaw()`.
   * With `openConnectionsOnly`, only the connections open now hang (a half-dead network path)
   * and new ones work.
   */
  freeze(options?: { openConnectionsOnly?: boolean }): void;
  thaw(): void;
  /** Connections accepted since the proxy was created. */
  readonly connections: number;
}

interface Pair {
  frozen: boolean;
  sockets: [Socket, Socket];
}

export function tcpProxy(target: { host: string; port: number }): TcpProxy {
  let port = 0;
  let server: Server | undefined;
  const pairs = new Set<Pair>();
  let freezeNew = false;
  let connections = 0;
  const setFrozen = (pair: Pair, frozen: boolean) => {
    pair.frozen = frozen;
    for (const socket of pair.sockets) {
      if (frozen) socket.pause();
      else socket.resume();
    }
  };
  return {
    get port() {
      return port;
    },
    get connections() {
      return connections;
    },
    async start() {
      if (server !== undefined) throw new Error(`the proxy already listens on ${port}`);
      const listening = createServer((client) => {
        connections += 1;
        const upstream = connect(target);
        const pair: Pair = { frozen: false, sockets: [client, upstream] };
        pairs.add(pair);
        // Forwarded by hand rather than piped, so a frozen pair can stop reading: what the
        // sender writes meanwhile stays in the socket buffers, as with a hung server.
        const forward = (from: Socket, to: Socket) => {
          from.on('data', (chunk) => {
            if (!to.write(chunk)) from.pause();
          });
          to.on('drain', () => {
            if (!pair.frozen) from.resume();
          });
          from.once('end', () => to.end());
          from.on('error', () => from.destroy());
          from.once('close', () => {
            pairs.delete(pair);
            to.destroy();
          });
        };
        forward(client, upstream);
        forward(upstream, client);
        if (freezeNew) setFrozen(pair, true);
      });
      listening.listen(port, '127.0.0.1');
      await once(listening, 'listening');
      const address = listening.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP port');
      port = address.port;
      server = listening;
    },
    async stop() {
      const running = server;
      server = undefined;
      if (running === undefined) return;
      const closed = once(running, 'close');
      running.close();
      for (const pair of pairs) for (const socket of pair.sockets) socket.destroy();
      await closed;
    },
    freeze(options = {}) {
      if (!options.openConnectionsOnly) freezeNew = true;
      for (const pair of pairs) setFrozen(pair, true);
    },
    thaw() {
      freezeNew = false;
      for (const pair of pairs) setFrozen(pair, false);
    },
  };
}
