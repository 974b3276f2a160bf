import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { fetchWithKey, TEST_ADMIN_KEY, postJson, putJson, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  const response = await putJson(`${server.url}/v1/videos/new`, { creator: 'maker', durationMs: 12_000 });
  expect(response.ok).toBe(true);
});
afterAll(async () => server.dispose());

const exposure = async () => (await (await fetchWithKey(`${server.url}/v1/videos/new`)).json()).exposure;

describe('the freshExposure section of the algorithm config', () => {
  it('is published in plain language', async () => {
    const body = await (await fetchWithKey(`${server.url}/v1/algorithm`)).json();
    expect(body.config.freshExposure).toEqual(DEFAULT_ALGORITHM.freshExposure);
    expect(body.description.join(' ')).toMatch(/tried with a small audience first: 20 viewers, then 80, 320, 1280, 5120 in all/);
  });

  it('refuses invalid values naming the field', async () => {
    const response = await postJson(`${server.url}/v1/algorithm/versions`, {
      changes: { freshExposure: { ...DEFAULT_ALGORITHM.freshExposure, firstPool: 0, targetGoodRate: 2 } },
      note: 'bad pools',
    }, TEST_ADMIN_KEY);
    expect(response.status).toBe(400);
    const fields = (await response.json()).problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['changes.freshExposure.firstPool', 'changes.freshExposure.targetGoodRate']));
  });

  it('takes a new pool size at the next start, as the change says', async () => {
    expect(await exposure()).toMatchObject({ stage: 0, allowed: 20, served: 0, exploring: true });
    const response = await postJson(`${server.url}/v1/algorithm/versions`, {
      changes: { freshExposure: { ...DEFAULT_ALGORITHM.freshExposure, firstPool: 3 } },
      note: 'smaller first audience',
    }, TEST_ADMIN_KEY);
    expect(response.status).toBe(201);
    expect((await response.json()).appliesAtRestart).toEqual(['freshExposure']);
    expect((await exposure()).allowed).toBe(20);

    await server.stop();
    server = await startServer(server.dbPath);
    expect((await exposure()).allowed).toBe(3);
    const freshSources: boolean[] = [];
    for (let u = 0; u < 5; u++) {
      const items = (await (await fetchWithKey(`${server.url}/v1/feed/viewer${u}?n=5`)).json()).items;
      freshSources.push(items.some((item: { video: { id: string }; sources: string[] }) => item.video.id === 'new' && item.sources.includes('fresh')));
    }
    // The only video in the catalogue: the fresh source proposes it to its first three viewers, then stops; the
    // catalogue backfill still serves it afterwards, since a page is short only when the catalogue runs out.
    expect(freshSources).toEqual([true, true, true, false, false]);
    expect(await exposure()).toMatchObject({ served: 5, exploring: false });
  });
});
