import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/models/random.js';
import { fetchWithKey, postJson, putJson, startServer, type RunningServer } from '../helpers/running-server.js';

const DAY_MS = 86_400_000;
const OLD_VIDEOS = 200;
const VIEWERS = 240;
const FIRST_POOL = 20; // DEFAULT_ALGORITHM.freshExposure.firstPool
const GROWTH = 4;

interface Item {
  video: { id: string; durationMs: number };
  sources: string[];
  reasons: string[];
}

interface Exposure {
  served: number;
  stage: number;
  allowed: number;
  good: number;
  bad: number;
  exploring: boolean;
}

let server: RunningServer;
let eventId = 0;
const random = seededRandom(5);

async function page(user: string): Promise<Item[]> {
  const response = await fetchWithKey(`${server.url}/v1/feed/${user}?n=10`);
  expect(response.status).toBe(200);
  return (await response.json()).items;
}

async function exposureOf(id: string): Promise<Exposure> {
  const response = await fetchWithKey(`${server.url}/v1/videos/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()).exposure;
}

async function post(events: object[]): Promise<void> {
  const response = await postJson(`${server.url}/v1/events`, { events });
  expect(response.status).toBe(200);
}

/** Simulated viewers: the good new video is watched to the end and often liked, the poor one skipped at once. */
function responses(user: string, items: Item[]): object[] {
  return items.flatMap((item) => {
    const { id, durationMs } = item.video;
    if (id === 'new-good') {
      const play = { id: `e${eventId++}`, user, video: id, type: 'play', watchMs: Math.round(durationMs * (0.8 + random() * 0.6)) };
      return random() < 0.5 ? [play, { id: `e${eventId++}`, user, video: id, type: 'like' }] : [play];
    }
    if (id === 'new-poor') return [{ id: `e${eventId++}`, user, video: id, type: 'skip', watchMs: 300 }];
    return [{ id: `e${eventId++}`, user, video: id, type: 'play', watchMs: Math.round(durationMs * random() * 0.9) }];
  });
}

beforeAll(async () => {
  server = await startServer();
  const now = Date.now();
  // An established catalogue, older than the fresh window, that other viewers already watch: trending alone fills
  // a page, so the catalogue backfill (newest first) never runs and only the fresh source can propose new videos.
  for (let i = 0; i < OLD_VIDEOS; i++) {
    const response = await putJson(`${server.url}/v1/videos/old${i}`, {
      creator: `c${i % 20}`,
      durationMs: 15_000,
      hashtags: [`tag${i % 9}`],
      region: 'DE',
      createdAt: now - 10 * DAY_MS - i * 60_000,
    });
    expect(response.ok).toBe(true);
  }
  const warm = [];
  for (let i = 0; i < OLD_VIDEOS * 3; i++) {
    warm.push({ id: `warm${i}`, user: `regular${i % 50}`, video: `old${i % OLD_VIDEOS}`, type: 'play', watchMs: 5_000 + (i % 7) * 1_000 });
  }
  await post(warm);
  for (const id of ['new-good', 'new-poor']) {
    const response = await putJson(`${server.url}/v1/videos/${id}`, { creator: `creator-${id}`, durationMs: 20_000, region: 'DE', createdAt: now });
    expect(response.ok).toBe(true);
  }
});
afterAll(async () => server.dispose());

describe('staged exposure of new videos (real HTTP server, real SQLite file)', () => {
  it('a new video with good engagement reaches a wider audience within a bounded number of requests; a poor one stops being boosted', async () => {
    const reached = { good: new Set<string>(), poor: new Set<string>() };
    let poorServedWhenPoolRanOut: number | undefined;
    const trace: string[] = [];
    for (let u = 0; u < VIEWERS; u++) {
      const user = `viewer${u}`;
      const items = await page(user);
      for (const item of items) {
        if (item.video.id === 'new-good') reached.good.add(user);
        if (item.video.id === 'new-poor') {
          reached.poor.add(user);
          // Once its first pool is used up without holding up, the fresh source no longer proposes it.
          if (poorServedWhenPoolRanOut !== undefined) expect(item.sources).not.toContain('fresh');
        }
        if (item.sources.includes('fresh')) {
          expect(item.reasons.find((r) => r.startsWith('fresh:'))).toMatch(
            /^fresh: new video posted .+ ago, being tried with a small audience: shown to \d+ of up to \d+ viewers so far \(stage \d of 5\)$/,
          );
        }
      }
      await post(responses(user, items));
      const poor = await exposureOf('new-poor');
      if (poorServedWhenPoolRanOut === undefined && !poor.exploring) poorServedWhenPoolRanOut = poor.served;
      if (u % 40 === 39) {
        const good = await exposureOf('new-good');
        trace.push(`${u + 1} feeds: good served ${good.served} (stage ${good.stage}), poor served ${poor.served} (stage ${poor.stage})`);
      }
    }
    const good = await exposureOf('new-good');
    const poor = await exposureOf('new-poor');
    const story = `${trace.join('\n')}\ngood reached ${reached.good.size} viewers, poor ${reached.poor.size}`;

    // The good video went past its first two pools (20, then 80 impressions) and is still being tried.
    expect(good.stage, story).toBeGreaterThanOrEqual(2);
    expect(reached.good.size).toBeGreaterThan(FIRST_POOL * GROWTH);
    expect(good.served).toBe(reached.good.size);
    expect(good.exploring).toBe(true);
    // The poor one got its first pool, did not hold up, and its audience stopped growing there.
    expect(poor.stage).toBe(0);
    expect(poor.exploring).toBe(false);
    expect(poorServedWhenPoolRanOut).toBe(FIRST_POOL);
    expect(poor.served).toBe(FIRST_POOL);
    expect(reached.poor.size).toBe(FIRST_POOL);
    expect(poor.bad).toBe(FIRST_POOL);

    // Stages and counts survive a restart: the state is rebuilt from the store's events and served items.
    const dbPath = server.dbPath;
    await server.stop();
    server = await startServer(dbPath);
    expect(await exposureOf('new-good')).toEqual(good);
    expect(await exposureOf('new-poor')).toEqual(poor);
    const after = await page('viewer-after-restart');
    expect(after.find((item) => item.video.id === 'new-poor')?.sources ?? []).not.toContain('fresh');
  });
});
