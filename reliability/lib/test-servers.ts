import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';

/** A TCP server on 127.0.0.1 that answers every chunk with `reply(chunk)`. */
export async function replyServer(
  reply: (chunk: string) => string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('data', (chunk) => socket.write(reply(chunk.toString())));
    socket.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return { server, port: address.port };
}

/** Connects, sends `text`, and resolves with the first answer (or `undefined` within `waitMs`). */
export async function ask(port: number, text: string, waitMs = 2000): Promise<string | undefined> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  try {
    socket.write(text);
    return await answerOf(socket, waitMs);
  } finally {
    socket.destroy();
  }
}

/** The next chunk a socket receives, or `undefined` when none comes within `waitMs`. */
export function answerOf(socket: NodeJS.ReadableStream, waitMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), waitMs);
    socket.once('data', (chunk) => {
      clearTimeout(timer);
      resolve(chunk.toString());
    });
  });
}
