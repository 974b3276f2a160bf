/**
 * `foryou serve` as an orchestrator sees it, over real HTTP: the port answers from the first second, /livez while the
 * process runs, /readyz 503 with progress until the state is rebuilt and 200 after; an API request meanwhile gets a
 * 503 it may retry, and the same port then serves the API. The store holds 200,000 events, so the rebuild takes
 * seconds and every run sees the starting state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../../src/bench/serve-process.js';
import { createWorld, loadWorldIntoStore } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { freePort } from '../helpers/free-port.js';
import { TEST_SERVICE_KEY } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EVENTS = 200_000;
/** Longer than any answer takes while the rebuild yields between batches; shorter than the rebuild here. */
const PROMPT_ANSWER_MS = 2_000;

const temp = makeTempDir();
let world: string;

beforeAll(async () => {
  world = join(temp.dir, 'world.db');
  const store = new SqliteStore(world);
  await loadWorldIntoStore(store, createWorld({ users: 2_000, videos: 5_000, seed: 3 }), EVENTS);
  await store.close();
});
afterAll(() => temp.cleanup());

/** A copy of the loaded store: every start rebuilds the same log from scratch, with no snapshot of an earlier one. */
function copyOfWorld(name: string): string {
  const path = join(temp.dir, name);
  copyFileSync(world, path);
  return path;
}

interface Serve {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** `foryou serve` on a port known before it starts, so the test can call it from its very first moment. */
async function serve(db: string): Promise<Serve> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', String(port), '--no-retrain'], {
    env: { ...process.env, FORYOU_SERVICE_KEY: TEST_SERVICE_KEY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { url: `http://127.0.0.1:${port}`, child, exited, stderr: () => stderr };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  ms: number;
}

async function get(url: string, key?: string): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, body, headers: response.headers, ms: performance.now() - started };
}

/** The first answer at `url`, asked every 20 ms while the port is still closed. */
async function firstAnswer(url: string, server: Serve): Promise<Answer> {
  for (;;) {
    try {
      return await get(url);
    } catch {
      if (server.child.exitCode !== null) throw new Error(`foryou serve exited: ${server.stderr()}`);
      await sleep(20);
    }
  }
}

describe('foryou serve while starting', () => {
  it('answers /livez at once, /readyz 503 with progress until ready, the API 503; then the same port serves', async () => {
    const spawned = performance.now();
    const server = await serve(copyOfWorld('probes.db'));
    try {
      const live = await firstAnswer(`${server.url}/livez`, server);
      expect(live).toMatchObject({ status: 200, body: { status: 'live' } });
      // The port opens before the service's modules load, let alone the rebuild of 200,000 events.
      expect(performance.now() - spawned).toBeLessThan(5_000);

      const starting = await get(`${server.url}/readyz`);
      expect(starting.status).toBe(503);
      expect(starting.body).toMatchObject({ status: 'starting', phase: expect.any(String), done: expect.any(Number), total: expect.any(Number) });
      expect(starting.body.seconds).toBeGreaterThan(0);
      const health = await get(`${server.url}/healthz`);
      expect(health).toMatchObject({ status: 503, body: { status: 'starting' } });
      // Any other request: the API's error shape, and when to ask again.
      const api = await get(`${server.url}/v1/algorithm`, TEST_SERVICE_KEY);
      expect(api).toMatchObject({ status: 503, body: { error: 'starting', problems: [], phase: expect.any(String) } });
      expect(api.headers.get('retry-after')).toBe('1');

      // Until ready, the probes keep answering promptly: the rebuild leaves the event loop a turn between batches.
      let ready: Answer | undefined;
      let slowest = 0;
      while (!ready) {
        const probe = await get(`${server.url}/livez`);
        expect(probe.status).toBe(200);
        slowest = Math.max(slowest, probe.ms);
        const readiness = await get(`${server.url}/readyz`);
        if (readiness.status === 200) ready = readiness;
        else expect(readiness.body.status).toBe('starting');
        slowest = Math.max(slowest, readiness.ms);
        await sleep(100);
      }
      expect(slowest).toBeLessThan(PROMPT_ANSWER_MS);
      expect(ready.body).toEqual({ status: 'ready' });

      // fastify answers on the same port now: the routes, their access checks and the full health report.
      const healthy = await get(`${server.url}/healthz`);
      expect(healthy).toMatchObject({ status: 200, body: { status: 'ok', videos: 5_000, users: 2_000 } });
      expect((await get(`${server.url}/livez`)).body).toEqual({ status: 'live' });
      expect((await get(`${server.url}/v1/algorithm`, TEST_SERVICE_KEY)).status).toBe(200);
      expect((await get(`${server.url}/v1/algorithm`)).status).toBe(401);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
  });

  it('exits 0 on SIGTERM while starting, in the middle of the rebuild', async () => {
    const server = await serve(copyOfWorld('signal.db'));
    // Well into the start: the rebuild has begun, and the signal must not wait for its end.
    let readiness = await firstAnswer(`${server.url}/readyz`, server);
    while (readiness.status === 503 && (readiness.body.seconds as number) < 1.5) {
      await sleep(100);
      readiness = await get(`${server.url}/readyz`);
    }
    expect(readiness.status).toBe(503);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('foryou: stopped while starting');
  });
});
