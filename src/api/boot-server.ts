/**
 * The HTTP server of `foryou serve`, listening from the process's first second. Opening the service rebuilds the
 * online state from the store (seconds to many minutes on a big store); until then this server answers by itself:
 * `/livez` 200, `/readyz` and `/healthz` 503 with the start's progress, everything else 503 with `Retry-After`, so an
 * orchestrator tells "starting" from "dead". Then fastify, given this very server through its `serverFactory`, takes
 * every request on the same socket: the port is never closed between the two.
 *
 * Only node:http is loaded here: the port must open before the server's and the service's modules have loaded.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StartProgress } from '../service/foryou-service.js';

/** What fastify reads from its options to set up a server it creates itself (fastify/lib/server.js). */
interface FastifyServerOptions {
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

export class BootServer {
  private progress: StartProgress = { phase: 'opening', done: 0, total: 0 };
  /** fastify's request handler, kept from `serverFactory` until `handOver`. */
  private app: RequestListener | undefined;
  private handle: RequestListener = (request, response) => this.answerStarting(request, response);

  private constructor(readonly server: Server) {}

  /** A server listening on `port` of `host`, answering as a starting service. */
  static async listen(port: number, host: string): Promise<BootServer> {
    // The handler is looked up per request: connections kept alive from the start reach fastify after the hand-over.
    const server = createServer((request, response) => boot.handle(request, response));
    const boot = new BootServer(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return boot;
  }

  /** The address listened on, as fastify's `listen` prints it: `http://127.0.0.1:8080`, `http://[::1]:8080`. */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** What `/readyz` reports from now on. */
  report(progress: StartProgress): void {
    this.progress = progress;
  }

  /**
   * fastify's `serverFactory` option: fastify then creates no server and never listens. Its handler waits for
   * `handOver`: before `app.ready()` its routes and access checks are not all in place.
   */
  readonly serverFactory = (handler: RequestListener, options: FastifyServerOptions): Server => {
    this.app = handler;
    // What fastify sets on a server it creates itself, and not on one it is given.
    if (options.keepAliveTimeout !== undefined) this.server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) this.server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) this.server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket) this.server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return this.server;
  };

  /** Every request from now on goes to the fastify app this server was given to; call once `app.ready()` resolved. */
  handOver(): void {
    if (!this.app) throw new Error('no app to hand over to: pass serverFactory to fastify first');
    this.handle = this.app;
  }

  /** Stops accepting connections and resolves once the open ones have ended (idle kept-alive ones are closed). */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answerStarting(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?', 1)[0];
    const probe = request.method === 'GET' || request.method === 'HEAD';
    if (probe && path === '/livez') return send(response, 200, { status: 'live' });
    if (probe && (path === '/readyz' || path === '/healthz')) {
      // Seconds since the process started, the module loading before this server included.
      const seconds = Math.round(process.uptime() * 10) / 10;
      return send(response, 503, { status: 'starting', ...this.progress, seconds });
    }
    // The API's error shape (errors.ts), so that a client reads it as it reads every other refusal.
    send(response, 503, { error: 'starting', problems: [], phase: this.progress.phase });
  }
}

function send(response: ServerResponse, status: number, body: object): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
  if (status === 503) headers['retry-after'] = '1';
  response.writeHead(status, headers).end(JSON.stringify(body));
}
