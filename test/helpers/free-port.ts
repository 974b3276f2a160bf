import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A port free on 127.0.0.1 now: the OS picks it for a listener closed again at once. For a test that must know the
 * port before the process it starts has printed anything.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
