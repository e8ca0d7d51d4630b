import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The base URL (`http://127.0.0.1:PORT`) of a server listening on an ephemeral port. */
export async function listenOnLoopback(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The IPC side of a benchmark server child: answers `cpu` (own CPU time, to charge CPU per
 * operation), `gc` + `memory` (heap after a full GC, when started with --expose-gc), and stops
 * cleanly on SIGTERM so a `--cpu-prof` profile gets written.
 */
export function serveBenchChild(
  server: Server,
  close: () => Promise<void>,
  ready: Record<string, unknown>,
): void {
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
    if (message.type === 'memory') {
      globalThis.gc?.();
      process.send?.({ type: 'memory', heapUsed: process.memoryUsage().heapUsed });
    }
  });
  process.on('SIGTERM', async () => {
    server.close();
    server.closeAllConnections();
    await close().catch(() => undefined);
    process.exit(0);
  });
  process.send?.({ type: 'ready', ...ready });
}
