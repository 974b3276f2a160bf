/**
 * The boot server in this process, over real HTTP: its own answers while the service starts, the hand-over to the
 * fastify app built on it (no moment with the port closed), and `app.close()` closing it.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BootServer } from '../../src/api/boot-server.js';
import { buildServer } from '../../src/api/server.js';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { ForyouService } from '../../src/service/foryou-service.js';
import { TEST_SERVICE_KEY, TEST_STATIC_KEYS } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('BootServer', () => {
  it('answers as a starting service, then hands every request to the app, which closes it', async () => {
    const boot = await BootServer.listen(0, '127.0.0.1');
    const url = boot.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect(await (await fetch(`${url}/livez`)).json()).toEqual({ status: 'live' });
    expect((await fetch(`${url}/livez`, { method: 'HEAD' })).status).toBe(200);
    boot.report({ phase: 'replaying', done: 250, total: 1_000 });
    const readiness = await fetch(`${url}/readyz?verbose=1`);
    expect(readiness.status).toBe(503);
    expect(readiness.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await readiness.json()).toEqual({ status: 'starting', phase: 'replaying', done: 250, total: 1_000, seconds: expect.any(Number) });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'starting', phase: 'replaying' });
    const write = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_SERVICE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [] }),
    });
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toBe('1');
    expect(await write.json()).toEqual({ error: 'starting', problems: [], phase: 'replaying' });

    const service = await ForyouService.open(join(temp.dir, 'boot.db'));
    const app = await buildServer(service, { keys: new ApiKeys(service.store, { staticKeys: TEST_STATIC_KEYS }), server: boot });
    try {
      await app.ready();
      // Built and ready, the app gets no request before the hand-over.
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      boot.handOver();
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
      expect(await (await fetch(`${url}/livez`)).json()).toEqual({ status: 'live' });
      expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', store: 'sqlite' });
      // The routes with their access checks: a key is needed again, and a valid one is served.
      expect((await fetch(`${url}/v1/algorithm`)).status).toBe(401);
      expect((await fetch(`${url}/v1/algorithm`, { headers: { authorization: `Bearer ${TEST_SERVICE_KEY}` } })).status).toBe(200);
      // fastify's server settings, which it applies only to a server it creates, hold on this one too.
      expect(boot.server.requestTimeout).toBe(120_000);
    } finally {
      await app.close();
      await service.close();
    }
    expect(boot.server.listening).toBe(false);
  });

  it('refuses a port already taken, as listen does', async () => {
    const first = await BootServer.listen(0, '127.0.0.1');
    try {
      const port = Number(new URL(first.url).port);
      await expect(BootServer.listen(port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
