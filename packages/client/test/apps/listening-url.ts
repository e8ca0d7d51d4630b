import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Waits for a server on port 0 and names it by `localhost`, as the transcripts' client was. */
export async function listeningUrl(server: Server): Promise<{ url: string; host: string }> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}`, host: `localhost:${port}` };
}

/** Closes a server and its keep-alive connections. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
