import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runGets } from '../../src/bench/http-load.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('runGets (the bench load generator)', () => {
  it('sends every request with its headers over a few keep-alive sockets and reads every body in full', async () => {
    const seen: string[] = [];
    const sockets = new Set<unknown>();
    // Bodies of many sizes, some far larger than a socket read, so framing is read across chunks.
    const url = await serve((request, response) => {
      sockets.add(request.socket);
      seen.push(`${request.url} ${request.headers.authorization}`);
      const size = Number(new URL(request.url!, 'http://x').searchParams.get('size'));
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': size });
      response.end('x'.repeat(size));
    });
    const sizes = [0, 1, 10, 70_000, 300_000, 5, 2_000_000, 17];
    const result = await runGets(40, 4, (i) => `${url}/page/${i}?size=${sizes[i % sizes.length]}`, { authorization: 'Bearer k' });
    expect(result.failures).toBe(0);
    expect(result.latenciesMs).toHaveLength(40);
    expect(seen.sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `/page/${i}?size=${sizes[i % sizes.length]} Bearer k`).sort(),
    );
    expect(sockets.size).toBe(4);
  });

  it('counts non-2xx answers as failures and reconnects after the server closes a connection', async () => {
    let served = 0;
    const url = await serve((_request, response) => {
      served++;
      const status = served % 3 === 0 ? 404 : 200;
      const body = JSON.stringify({ served });
      // Every other answer closes its connection, as a server shedding keep-alive sockets does.
      const close = served % 2 === 0 ? { connection: 'close' } : {};
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...close });
      response.end(body);
    });
    const result = await runGets(30, 2, () => `${url}/x`);
    expect(served).toBe(30);
    expect(result.failures).toBe(10);
    expect(result.latenciesMs).toHaveLength(30);
  });

  it('rejects a response it cannot frame instead of hanging', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no Content-Length
      response.end('hello');
    });
    await expect(runGets(3, 1, () => `${url}/x`)).rejects.toThrow(/Content-Length/);
  });

  it('rejects when the server drops the connection without answering', async () => {
    const url = await serve((request) => request.socket.destroy());
    await expect(runGets(2, 1, () => `${url}/x`)).rejects.toThrow(/closed the connection/);
  });
});
