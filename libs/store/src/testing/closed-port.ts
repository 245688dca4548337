import { createServer } from 'node:net';

/** A port on 127.0.0.1 that was just closed: connecting to it is refused (for tests of "nobody listens"). */
export function freePortOutsideHarness(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
