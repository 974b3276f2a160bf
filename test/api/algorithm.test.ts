import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { fetchWithKey, TEST_ADMIN_KEY, postJson, putVideos, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
let first: RunningServer;
beforeAll(async () => {
  server = first = await startServer();
  await putVideos(server.url, 30);
});
afterAll(async () => {
  await server.stop();
  await first.dispose();
});

describe('the versioned algorithm config', () => {
  it('publishes the default as version 1, in plain language', async () => {
    const body = await (await fetchWithKey(`${server.url}/v1/algorithm`)).json();
    expect(body).toMatchObject({ version: 1, active: true, config: DEFAULT_ALGORITHM });
    expect(body.description.join(' ')).toMatch(/the chance you like it × 2/);
    expect(body.description.join(' ')).toMatch(/half-life of 24 hours/);
  });

  it('makes a change a new version that applies at once, keeping the old one intact', async () => {
    const response = await postJson(`${server.url}/v1/algorithm/versions`, {
      changes: { sourceBoosts: { ...DEFAULT_ALGORITHM.sourceBoosts, following: 50 } },
      note: 'followed accounts first',
      author: 'alice',
    }, TEST_ADMIN_KEY);
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({ version: 2, active: true, author: 'alice', changed: ['sourceBoosts'], appliesAtRestart: [] });
    expect((await (await fetchWithKey(`${server.url}/v1/algorithm`)).json()).version).toBe(2);
    const v1 = await (await fetchWithKey(`${server.url}/v1/algorithm/versions/1`)).json();
    expect(v1).toMatchObject({ active: false, config: { sourceBoosts: DEFAULT_ALGORITHM.sourceBoosts } });
    const list = await (await fetchWithKey(`${server.url}/v1/algorithm/versions`)).json();
    expect(list.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    // The new weights drive the very next feed: a followed creator's videos now lead the page
    await postJson(`${server.url}/v1/events`, { events: [{ id: 'f1', user: 'fan', creator: 'c4', type: 'follow' }] });
    const feed = await (await fetchWithKey(`${server.url}/v1/feed/fan?n=3`)).json();
    expect(feed.items[0].video.creator).toBe('c4');
  });

  it('survives a restart with the latest version active', async () => {
    await server.stop();
    const reopened = await startServer(server.dbPath);
    const body = await (await fetchWithKey(`${reopened.url}/v1/algorithm`)).json();
    expect(body.version).toBe(2);
    expect(body.config.sourceBoosts.following).toBe(50);
    server = reopened;
  });

  it('refuses an invalid change and creates no version', async () => {
    const response = await postJson(`${server.url}/v1/algorithm/versions`, {
      changes: { valueWeights: { like: 'lots' }, colour: 1 },
      note: '',
    }, TEST_ADMIN_KEY);
    expect(response.status).toBe(400);
    const body = await response.json();
    const fields = body.problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['note', 'changes.colour', 'changes.valueWeights.like']));
    expect((await (await fetchWithKey(`${server.url}/v1/algorithm/versions`)).json()).versions).toHaveLength(2);
    expect((await fetchWithKey(`${server.url}/v1/algorithm/versions/9`)).status).toBe(404);
  });
});
