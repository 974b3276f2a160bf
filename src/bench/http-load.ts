/** Load against a running server over loopback HTTP: bounded in requests and time, so it always stops. */
import { createConnection, type Socket } from 'node:net';
import { elapsedMs } from './measure.js';

export interface TimedRequests {
  latenciesMs: number[];
  seconds: number;
  failures: number;
}

/**
 * Runs `total` requests made by `makeRequest(i)`, `concurrency` at a time, and times each one (send to full body).
 * Stops early once `maxSeconds` have passed.
 */
export async function runRequests(
  total: number,
  concurrency: number,
  makeRequest: (i: number) => Promise<Response>,
  maxSeconds = 120,
): Promise<TimedRequests> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const t = process.hrtime.bigint();
      const response = await makeRequest(i);
      await response.arrayBuffer();
      if (!response.ok) failures++;
      latenciesMs.push(elapsedMs(t));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latenciesMs, seconds: elapsedMs(start) / 1000, failures };
}

/**
 * `runRequests` for GETs over `concurrency` keep-alive loopback sockets, each with one request in flight. The load
 * generator shares the server's two cores, so its CPU per request comes out of the throughput it measures: node's
 * http client spends ~90 µs of CPU a request (a parser and a response object per request), this one a fraction of
 * that: it writes one request line and reads the status and the Content-Length-framed body off the bytes.
 * Non-2xx count as failures; a malformed response, a closed socket or a socket error rejects.
 */
export async function runGets(
  total: number,
  concurrency: number,
  url: (i: number) => string,
  headers: Record<string, string> = {},
  maxSeconds = 120,
  /** Ends the run early (checked before each request): load kept up while something else happens. */
  stopWhen: () => boolean = () => false,
): Promise<TimedRequests> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const extraHeaders = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const worker = async () => {
    const connection = new KeepAliveConnection();
    try {
      while (next < total && Date.now() < deadline && !stopWhen()) {
        const i = next++;
        const t = process.hrtime.bigint();
        const target = new URL(url(i));
        const status = await connection.get(target, extraHeaders);
        if (status < 200 || status >= 300) failures++;
        latenciesMs.push(elapsedMs(t));
      }
    } finally {
      connection.close();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latenciesMs, seconds: elapsedMs(start) / 1000, failures };
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One HTTP/1.1 keep-alive connection with one GET at a time; reconnects when the server closed it. */
class KeepAliveConnection {
  private socket: Socket | undefined;
  private host = '';
  private port = 0;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;

  async get(target: URL, extraHeaders: string): Promise<number> {
    const port = Number(target.port || 80);
    if (this.socket === undefined || this.host !== target.hostname || this.port !== port) {
      this.close();
      this.socket = await this.connect(target.hostname, port);
    }
    const socket = this.socket;
    return new Promise<number>((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n${extraHeaders}\r\n`);
    });
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    this.buffered = Buffer.alloc(0);
  }

  private connect(host: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port, noDelay: true }, () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
      this.host = host;
      this.port = port;
      // A socket this connection closed itself (after a `connection: close` answer) must not touch its successor.
      socket.on('data', (chunk) => {
        if (this.socket === socket) this.receive(chunk);
      });
      socket.on('error', (error) => {
        if (this.socket === socket) this.fail(error);
      });
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        this.fail(new Error('the server closed the connection before answering'));
      });
    });
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status) || length === null) {
      this.fail(new Error(`unexpected response head (only Content-Length framing is read): ${head.slice(0, 200)}`));
      return;
    }
    const end = headerEnd + HEADER_END.length + Number(length[1]);
    if (this.buffered.length < end) return;
    // One request in flight: nothing may follow the body.
    this.buffered = Buffer.alloc(0);
    if (/\r\nconnection: *close/i.test(head)) this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(status);
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
