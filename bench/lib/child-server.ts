import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector/promises';
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

let profiler: Session | undefined;

/**
 * CPU profiling of a window of a child's life (what `node --cpu-prof` records, without the
 * start-up, whose module loading would swamp a short measurement): `profile-start`, then
 * `profile-stop` with the `.cpuprofile` path to write.
 */
export async function handleProfileMessage(message: { type: string; path?: string }): Promise<void> {
  if (message.type === 'profile-start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.post('Profiler.start');
    process.send?.({ type: 'profile-started' });
  } else if (message.type === 'profile-stop' && profiler !== undefined && message.path !== undefined) {
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    profiler = undefined;
    writeFileSync(message.path, JSON.stringify(profile));
    process.send?.({ type: 'profile-stopped', path: message.path });
  }
}

/**
 * The IPC side of a benchmark server child: answers `cpu` (own CPU time, to charge CPU per
 * operation), `memory` (heap after a full GC, when started with --expose-gc), the profiling
 * messages, and stops cleanly on SIGTERM or when the bench process goes away.
 */
export function serveBenchChild(
  server: Server,
  close: () => Promise<void>,
  ready: Record<string, unknown>,
): void {
  process.on('message', (message: { type: string; path?: string }) => {
    if (message.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
    if (message.type === 'memory') {
      globalThis.gc?.();
      process.send?.({ type: 'memory', heapUsed: process.memoryUsage().heapUsed });
    }
    if (message.type.startsWith('profile-')) void handleProfileMessage(message);
  });
  const shutdown = async () => {
    server.close();
    server.closeAllConnections();
    await close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  // The bench process is gone (crashed, killed): no server of ours outlives it.
  process.on('disconnect', shutdown);
  process.send?.({ type: 'ready', ...ready });
}
