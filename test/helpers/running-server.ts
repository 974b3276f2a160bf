/** A real foryou HTTP server on a real SQLite file, in this process, listening on a loopback port. */
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { buildServer } from '../../src/api/server.js';
import { ForyouService, type ServiceOptions } from '../../src/service/foryou-service.js';
import { makeTempDir } from './temp-dir.js';

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

export async function startServer(dbPath?: string, options: ServiceOptions = {}): Promise<RunningServer> {
  const temp = dbPath ? undefined : makeTempDir();
  const path = dbPath ?? join(temp!.dir, 'foryou.db');
  const service = await ForyouService.open(path, options);
  const app = await buildServer(service);
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

export async function putJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Puts `count` live videos v0…v{count-1} spread over `creators` creators and a few hashtags. */
export async function putVideos(url: string, count: number, creators = 7, now = Date.now()): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await putJson(`${url}/v1/videos/v${i}`, {
      creator: `c${i % creators}`,
      durationMs: 10_000 + (i % 5) * 5_000,
      caption: `video ${i}`,
      hashtags: [`tag${i % 11}`, `topic${i % 3}`],
      sound: `s${i % 13}`,
      region: 'DE',
      createdAt: now - i * 60_000,
    });
    if (!response.ok) throw new Error(`PUT video failed: ${response.status} ${await response.text()}`);
  }
}
