import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real database, which a test can cut off, freeze and bring back on
 * the same port: an outage or a stall of PostgreSQL or MariaDB without stopping or pausing the
 * server other suites use.
 */
export interface TcpProxy {
  /** The port the proxy listens on (fixed at the first `start()`). */
  readonly port: number;
  start(): Promise<void>;
  /** Stops listening and cuts every open connection, as a crashed server would. */
  stop(): Promise<void>;
  /**
   * A stalled server (what SIGSTOP does to it): connections stay open and new ones are
   * accepted, but not a byte goes through either way until `thaw()`.
   */
  freeze(): void;
  /** Ends a freeze: what was held back goes through, as after SIGCONT. */
  thaw(): void;
}

export function tcpProxy(target: { host: string; port: number }): TcpProxy {
  let port = 0;
  let server: Server | undefined;
  let frozen = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // pause() stops reading, so pipe() holds the bytes back (the kernel buffers fill up as
    // they would in front of a stopped process).
    if (frozen) socket.pause();
  };
  return {
    get port() {
      return port;
    },
    async start() {
      if (server !== undefined) throw new Error(`the proxy already listens on ${port}`);
      const listening = createServer((client) => {
        const upstream = connect(target);
        // Piped first: pipe() resumes its source, and track() must be able to pause it.
        client.pipe(upstream).pipe(client);
        track(client);
        track(upstream);
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
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
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    freeze() {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw() {
      frozen = false;
      for (const socket of sockets) socket.resume();
    },
  };
}
