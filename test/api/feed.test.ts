import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithKey, postJson, putJson, putVideos, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
const VIDEOS = 230;

interface FeedBody {
  mode: string;
  items: Array<{ video: { id: string; creator: string; hashtags: string[] }; score: number; sources: string[]; reasons: string[] }>;
  cursor: string | null;
}

async function feed(user: string, query = ''): Promise<FeedBody> {
  const response = await fetchWithKey(`${server.url}/v1/feed/${user}?${query}`);
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  server = await startServer();
  await putVideos(server.url, VIDEOS);
  // One removed and one pending video that must never be served
  await putJson(`${server.url}/v1/videos/gone`, { creator: 'c1', durationMs: 9000, status: 'removed' });
  await putJson(`${server.url}/v1/videos/waiting`, { creator: 'c1', durationMs: 9000, status: 'pending' });
  // Engagement that makes some videos trend
  const events = [];
  for (let i = 0; i < 400; i++) {
    const video = `v${(i * 7) % 40}`;
    events.push({ id: `warm-${i}`, user: `w${i % 30}`, video, type: 'play', watchMs: 9000 });
    if (i % 3 === 0) events.push({ id: `warm-like-${i}`, user: `w${i % 30}`, video, type: 'like' });
  }
  const response = await postJson(`${server.url}/v1/events`, { events });
  expect(response.status).toBe(200);
  // Acknowledged once stored; learned behind (event-ingest.ts).
  await server.service.caughtUp();
});
afterAll(async () => server.dispose());

describe('GET /v1/feed/:user', () => {
  it('returns items with score, sources and plain-language reasons', async () => {
    const page = await feed('reader', 'n=10');
    expect(page.items).toHaveLength(10);
    for (const item of page.items) {
      expect(item.sources.length).toBeGreaterThan(0);
      expect(item.reasons.length).toBeGreaterThan(0);
      expect(item.reasons.every((r) => typeof r === 'string' && r.length > 10)).toBe(true);
      expect(Number.isFinite(item.score)).toBe(true);
    }
    expect(page.items.some((item) => item.reasons.some((r) => r.startsWith('value-scorer: ')))).toBe(true);
    expect(typeof page.cursor).toBe('string');
    // The non-personalised feed ranks by popularity: the engaged-with videos lead it.
    const popular = await feed('reader2', 'n=10&mode=nonpersonalized');
    expect(popular.items.filter((item) => item.sources.includes('trending')).length).toBeGreaterThanOrEqual(5);
  });

  it('never repeats a video while paging through the whole catalogue, and never serves removed or pending videos', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let previousCreator: string | undefined;
    for (let pageNumber = 0; pageNumber < 100; pageNumber++) {
      const page: FeedBody = await feed('pager', `n=10${cursor ? `&cursor=${cursor}` : ''}`);
      if (page.items.length === 0) {
        // A cursor chain can end early: the in-a-row rules hold across pages, so when all that is left is the
        // creator just shown, the chain stops. The client then starts afresh, as the next session would.
        if (cursor === null) break;
        cursor = null;
        continue;
      }
      for (const item of page.items) {
        expect(seen.has(item.video.id)).toBe(false);
        seen.add(item.video.id);
      }
      previousCreator = undefined;
      for (const item of page.items) {
        expect(item.video.creator).not.toBe(previousCreator);
        previousCreator = item.video.creator;
      }
      cursor = page.cursor;
    }
    expect(seen.size).toBe(VIDEOS);
    expect(seen.has('gone')).toBe(false);
    expect(seen.has('waiting')).toBe(false);
  });

  it('does not serve videos the user already watched', async () => {
    const first = await feed('watcher', 'n=5');
    const watched = first.items[0]!.video.id;
    const fresh = await feed('watcher2', 'n=20');
    const target = fresh.items.map((i) => i.video.id).find((id) => id !== watched)!;
    await postJson(`${server.url}/v1/events`, { events: [{ id: 'w2-play', user: 'watcher3', video: target, type: 'play', watchMs: 100 }] });
    for (let i = 0; i < 10; i++) {
      const page = await feed('watcher3', 'n=20');
      expect(page.items.map((item) => item.video.id)).not.toContain(target);
    }
  });

  it('drops a creator the user marked not interested', async () => {
    const page = await feed('picky', 'n=10');
    const creator = page.items[0]!.video.creator;
    await postJson(`${server.url}/v1/events`, {
      events: [{ id: 'picky-ni', user: 'picky', video: page.items[0]!.video.id, type: 'not_interested' }],
    });
    for (let i = 0; i < 5; i++) {
      const next = await feed('picky', 'n=10');
      expect(next.items.map((item) => item.video.creator)).not.toContain(creator);
    }
  });

  it('the following mode is chronological and pages without repeats', async () => {
    await postJson(`${server.url}/v1/events`, { events: [{ id: 'fan-follow', user: 'fan', creator: 'c3', type: 'follow' }] });
    const first = await feed('fan', 'mode=following&n=7');
    expect(first.mode).toBe('following');
    expect(first.items.every((item) => item.video.creator === 'c3')).toBe(true);
    const second = await feed('fan', `mode=following&n=7&cursor=${first.cursor}`);
    const ids = [...first.items, ...second.items].map((item) => item.video.id);
    expect(new Set(ids).size).toBe(14);
    // putVideos makes v0 newest, so chronological order is by ascending number
    const numbers = ids.map((id) => Number(id.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('the non-personalised mode does not change with the user history', async () => {
    const before = await feed('np-user', 'mode=nonpersonalized&n=10');
    await postJson(`${server.url}/v1/events`, {
      events: before.items.slice(0, 5).map((item, i) => ({ id: `np-${i}`, user: 'np-user', video: item.video.id, type: 'not_interested' })),
    });
    const other = await feed('np-other', 'mode=nonpersonalized&n=10');
    const after = await feed('np-user', 'mode=nonpersonalized&n=10');
    expect(after.items.map((i) => i.video.id)).toEqual(other.items.map((i) => i.video.id));
  });

  it('uses the user setting when no mode is given', async () => {
    await putJson(`${server.url}/v1/users/private`, { settings: { personalized: false } });
    expect((await feed('private')).mode).toBe('nonpersonalized');
    await putJson(`${server.url}/v1/users/kid`, { settings: { minor: true } });
    expect((await feed('kid')).mode).toBe('following');
  });

  it('refuses a forged cursor and bad query values', async () => {
    const forged = await fetchWithKey(`${server.url}/v1/feed/x?cursor=not-a-cursor`);
    expect(forged.status).toBe(400);
    expect((await forged.json()).problems[0].field).toBe('cursor');
    const badN = await fetchWithKey(`${server.url}/v1/feed/x?n=0`);
    expect(badN.status).toBe(400);
    expect((await badN.json()).problems[0].field).toBe('n');
    const badMode = await fetchWithKey(`${server.url}/v1/feed/x?mode=chaos`);
    expect((await badMode.json()).problems[0].field).toBe('mode');
  });

  it('reflects an event in the next page at once', async () => {
    const page = await feed('instant', 'n=3');
    expect(page.items.length).toBe(3);
    await postJson(`${server.url}/v1/events`, { events: [{ id: 'inst-f', user: 'instant', creator: 'c5', type: 'follow' }] });
    const next = await feed('instant', 'n=10');
    expect(next.items.some((item) => item.sources.includes('following') && item.video.creator === 'c5')).toBe(true);
  });
});

describe('service endpoints', () => {
  it('answers /healthz and serves the OpenAPI document', async () => {
    expect((await fetchWithKey(`${server.url}/healthz`)).status).toBe(200);
    const doc = await (await fetchWithKey(`${server.url}/docs/json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/feed/{user}', '/v1/videos/{id}', '/v1/users/{id}']));
    expect((await fetchWithKey(`${server.url}/docs`, { redirect: 'follow' })).status).toBe(200);
    const web = await fetchWithKey(`${server.url}/`);
    expect(web.headers.get('content-type')).toMatch(/text\/html/);
  });
});
