/** A real foryou HTTP server on a real SQLite file, in this process, listening on a loopback port. */
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { buildServer, type ServerOptions } from '../../src/api/server.js';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { ForyouService, type ServiceOptions } from '../../src/service/foryou-service.js';
import { makeTempDir } from './temp-dir.js';

/** Keys every test server accepts (as `foryou serve` accepts $FORYOU_SERVICE_KEY and $FORYOU_ADMIN_KEY). */
export const TEST_SERVICE_KEY = 'test-service-key-0123456789abcdef';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const TEST_STATIC_KEYS = { service: TEST_SERVICE_KEY, admin: TEST_ADMIN_KEY };

export interface RunningServer {
  url: string;
  dbPath: string;
  service: ForyouService;
  app: FastifyInstance;
  /** Closes the server and the store, keeping the file. */
  stop(): Promise<void>;
  /** Stops, then removes the directory. */
  dispose(): Promise<void>;
}

export async function startServer(
  dbPath?: string,
  serviceOptions: ServiceOptions = {},
  options: Omit<ServerOptions, 'keys'> = {},
): Promise<RunningServer> {
  const temp = dbPath ? undefined : makeTempDir();
  const path = dbPath ?? join(temp!.dir, 'foryou.db');
  const service = await ForyouService.open(path, serviceOptions);
  const app = await buildServer(service, { ...options, keys: new ApiKeys(service.store, { staticKeys: TEST_STATIC_KEYS }) });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await service.close();
  };
  return {
    url: address,
    dbPath: path,
    service,
    app,
    stop,
    dispose: async () => {
      await stop();
      temp?.cleanup();
    },
  };
}

/** fetch with `Authorization: Bearer KEY` (the test service key unless told otherwise). */
export async function fetchWithKey(url: string, init: RequestInit = {}, key: string = TEST_SERVICE_KEY): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${key}`);
  return fetch(url, { ...init, headers });
}

export async function putJson(url: string, body: unknown, key?: string): Promise<Response> {
  return fetchWithKey(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, key);
}

export async function postJson(url: string, body: unknown, key?: string): Promise<Response> {
  return fetchWithKey(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, key);
}

/** Puts `count` live videos v0…v{count-1} spread over `creators` creators and a few hashtags. */
export async function putVideos(url: string, count: number, creators = 7, now = Date.now()): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await putJson(`${url}/v1/videos/v${i}`, {
      creator: `c${i % creators}`,
      durationMs: 10_000 + (i % 5) * 5_000,
      caption: `video ${i}`,
      hashtags: [`tag${i % 11}`, `topic${i % 6}`],
      sound: `s${i % 13}`,
      region: 'DE',
      createdAt: now - i * 60_000,
    });
    if (!response.ok) throw new Error(`PUT video failed: ${response.status} ${await response.text()}`);
  }
}
