/**
 * The re-ranker's exploration slots and diversity rules, seen through the feed and the explain endpoint, on a
 * catalogue built so the ranking is known: old videos o0…o19 trend in decreasing order (o0 and o1 share a creator),
 * new uploads f0…f5 have no engagement yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { FeedExplanation } from '../../src/pipeline/feed-explanation.js';
import { fetchWithKey, TEST_ADMIN_KEY, postJson, putJson, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
const DAY_MS = 86_400_000;
const OLD = 20;
const FRESH = 6;
/** The new upload the first page put in its first exploration slot. */
let explorer = '';

interface FeedBody {
  items: Array<{ video: { id: string; creator: string }; score: number; sources: string[]; reasons: string[] }>;
  cursor: string | null;
}

async function feed(user: string, query: string): Promise<FeedBody> {
  const response = await fetchWithKey(`${server.url}/v1/feed/${user}?${query}`);
  expect(response.status).toBe(200);
  return response.json();
}

async function explain(user: string, video: string, query = ''): Promise<FeedExplanation> {
  const response = await fetchWithKey(`${server.url}/v1/feed/${user}/explain/${video}?${query}`);
  expect(response.status).toBe(200);
  return response.json();
}

async function put(path: string, body: unknown): Promise<void> {
  const response = await putJson(`${server.url}${path}`, body);
  expect(response.ok, await response.clone().text()).toBe(true);
}

beforeAll(async () => {
  server = await startServer();
  // Two exploration slots a page (the default has one): the 5th and the 10th.
  const version = await postJson(`${server.url}/v1/algorithm/versions`, { changes: { explorationShare: 0.2 }, note: 'two slots' }, TEST_ADMIN_KEY);
  expect(version.status).toBe(201);
  const now = Date.now();
  for (let i = 0; i < OLD; i++) {
    await put(`/v1/videos/o${i}`, {
      creator: i < 2 ? 'star' : `old-creator${i}`,
      durationMs: 10_000,
      hashtags: [`old${i}`],
      sound: `old-sound${i}`,
      createdAt: now - 10 * DAY_MS,
    });
  }
  for (let i = 0; i < FRESH; i++) {
    await put(`/v1/videos/f${i}`, {
      creator: `new-creator${i}`,
      durationMs: 10_000,
      hashtags: [`new${i}`],
      sound: `new-sound${i}`,
      createdAt: now - 3_600_000,
    });
  }
  // Old, unwatched, all sharing #same: only the catalogue backfill proposes them.
  for (let i = 0; i < 4; i++) {
    await put(`/v1/videos/same${i}`, { creator: `same-creator${i}`, durationMs: 10_000, hashtags: ['same'], createdAt: now - 5 * DAY_MS });
  }
  // o0 is watched most, o19 least: strictly decreasing trending.
  const events = [];
  for (let i = 0; i < OLD; i++) {
    for (let k = 0; k < 2 * (OLD - i); k++) {
      events.push({ id: `w-${i}-${k}`, user: `viewer${k}`, video: `o${i}`, type: 'play', watchMs: 10_000 });
    }
  }
  expect((await postJson(`${server.url}/v1/events`, { events })).status).toBe(200);
  // Acknowledged once stored; learned behind (event-ingest.ts).
  await server.service.caughtUp();
});
afterAll(async () => server.dispose());

describe('exploration slots and diversity rules', () => {
  it('gives the 5th and 10th positions to new uploads, and never the same creator twice in a row', async () => {
    const page = await feed('np1', 'mode=nonpersonalized&n=10');
    const ids = page.items.map((item) => item.video.id);
    // Which new uploads take the exploration slots is a Thompson draw among equals (none has evidence yet).
    expect(ids.map((id) => (id.startsWith('f') ? 'f' : id))).toEqual(['o0', 'o2', 'o1', 'o3', 'f', 'o4', 'o5', 'o6', 'o7', 'f']);
    expect(page.items[4]!.sources).toContain('fresh');
    expect(page.items[9]!.sources).toContain('fresh');
    explorer = ids[4]!;
  });

  it('explains where a video landed, and which rule held it back', async () => {
    const o1 = await explain('np1', 'o1', 'mode=nonpersonalized');
    expect(o1.reRanker).toMatchObject({ onPage: true, position: 3, exploration: false });
    expect(o1.rank).toBe(2);
    expect(o1.score!.scorer).toBe('engagement-scorer');
    expect(o1.score!.terms.reduce((sum, term) => sum + term.contribution, 0)).toBeCloseTo(o1.score!.value, 3);
    expect(o1.reRanker!.heldBack).toEqual([{ position: 2, rule: 'creator', reason: 'the item before it has the same creator' }]);

    const o4 = await explain('np1', 'o4', 'mode=nonpersonalized');
    expect(o4.reRanker).toMatchObject({ onPage: true, position: 6 });
    expect(o4.reRanker!.heldBack.map((held) => [held.position, held.rule])).toEqual([[5, 'exploration']]);

    const f0 = await explain('np1', explorer, 'mode=nonpersonalized');
    expect(f0.reRanker).toMatchObject({ onPage: true, position: 5, exploration: true });
    expect(f0.verdict).toMatch(/position 5 \(an exploration slot/);
    expect(f0.sources.find((source) => source.name === 'fresh')).toMatchObject({ proposed: true });

    const o15 = await explain('np1', 'o15', 'mode=nonpersonalized');
    expect(o15.reRanker).toMatchObject({ onPage: false, position: null });
    expect(o15.verdict).toMatch(/page filled with higher-value videos/);
    // The page agrees.
    expect((await feed('np1', 'mode=nonpersonalized&n=10')).items[5]!.video.id).toBe('o4');
  });

  it('with no exploration share, new uploads must earn their place', async () => {
    const response = await postJson(`${server.url}/v1/algorithm/versions`, { changes: { explorationShare: 0 }, note: 'no exploration' }, TEST_ADMIN_KEY);
    expect(response.status).toBe(201);
    try {
      const page = await feed('np3', 'mode=nonpersonalized&n=10');
      expect(page.items.map((item) => item.video.id)).toEqual(['o0', 'o2', 'o1', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9']);
    } finally {
      await postJson(`${server.url}/v1/algorithm/versions`, { changes: { explorationShare: 0.2 }, note: 'exploration back' }, TEST_ADMIN_KEY);
    }
  });

  it('ends a page short rather than break a rule', async () => {
    await postJson(`${server.url}/v1/algorithm/versions`, { changes: { maxPerHashtagPerPage: 1 }, note: 'strict' }, TEST_ADMIN_KEY);
    try {
      await put('/v1/users/strict', {
        blocked: {
          creators: ['star', ...Array.from({ length: OLD }, (_, i) => `old-creator${i}`), ...Array.from({ length: FRESH }, (_, i) => `new-creator${i}`)],
          sounds: [],
        },
      });
      const page = await feed('strict', 'mode=nonpersonalized&n=10');
      const held = await explain('strict', page.items[0]!.video.id === 'same0' ? 'same1' : 'same0', 'mode=nonpersonalized');
      expect(held.reRanker!.heldBack.map((h) => h.rule)).toEqual(['hashtag']);
      expect(held.verdict).toMatch(/hashtag rule, and the page ended short rather than break it/);      expect(page.items.map((item) => item.video.id.slice(0, 4))).toEqual(['same']);
    } finally {
      await postJson(`${server.url}/v1/algorithm/versions`, { changes: { maxPerHashtagPerPage: DEFAULT_ALGORITHM.maxPerHashtagPerPage }, note: 'default' }, TEST_ADMIN_KEY);
    }
  });
});

describe('GET /v1/feed/:user/explain/:video', () => {
  it('reports, for each item of a personalised page, what the page itself says', async () => {
    const service = server.service;
    const user = await service.userForFeed('reader');
    const now = Date.now();
    const query = { n: 10, mode: 'personalized' as const };
    const explanations = service.state.catalog.allVideos().map((video) =>
      service.feed.explain(user, service.state.catalog.vidx(video.id)!, query, now),
    );
    const page = await service.feed.page(user, query, now);
    expect(page.items.length).toBe(10);
    page.items.forEach((item, index) => {
      const explanation = explanations.find((e) => e.video === item.video.id)!;
      expect(explanation.reRanker).toMatchObject({ onPage: true, position: index + 1 });
      expect(explanation.score!.scorer).toBe('value-scorer');
      expect(explanation.score!.value).toBeCloseTo(item.score, 3);
      const total = explanation.score!.terms.reduce((sum, term) => sum + term.contribution, 0);
      expect(total).toBeCloseTo(item.score, 2);
      expect(explanation.score!.terms.map((term) => term.name)).toEqual(expect.arrayContaining(['play', 'watchRatio', 'like', 'notInterested']));
      expect(explanation.sources.filter((source) => source.proposed).map((source) => source.name)).toEqual(item.sources);
      expect(explanation.filters.every((filter) => filter.passed)).toBe(true);
      expect(explanation.reasons).toEqual(item.reasons);
    });
    // Exactly the page's videos are explained as on it.
    expect(explanations.filter((e) => e.reRanker?.onPage).length).toBe(page.items.length);

    // Now served ("why this video?" asked of the video on screen): explained as it was chosen, and said to be shown.
    const served = await explain('reader', page.items[0]!.video.id);
    expect(served.shownBefore).toBe(true);
    expect(served.filters.find((filter) => filter.name === 'seen')).toMatchObject({ passed: true });
    expect(served.sources.filter((source) => source.proposed).map((source) => source.name)).toEqual(page.items[0]!.sources);
    expect(served.score!.value).toBeGreaterThan(0);
    expect(served.reasons.length).toBeGreaterThan(0);
    // And it stays seen: the next page does not repeat it.
    const next = await service.feed.page(user, query, now);
    expect(next.items.map((item) => item.video.id)).not.toContain(page.items[0]!.video.id);
    expect(explanations[0]!.shownBefore).toBe(false);
  });

  it('names a blocked creator, a geo-restriction and the minors rule', async () => {
    await put('/v1/videos/adult-geo', {
      creator: 'grown',
      durationMs: 10_000,
      audience: 'adult',
      blockedRegions: ['DE'],
    });
    await put('/v1/users/kid-de', { region: 'DE', settings: { minor: true }, blocked: { creators: ['grown'], sounds: [] } });
    const why = await explain('kid-de', 'adult-geo', 'mode=nonpersonalized');
    const failed = Object.fromEntries(why.filters.filter((f) => !f.passed).map((f) => [f.name, f.reason]));
    expect(failed).toEqual({
      region: 'the video may not be shown in your region DE',
      audience: 'the video is for adults and your account is a minor’s',
      blocked: 'you blocked its creator grown',
    });
    expect(why.mode).toBe('nonpersonalized');

    // The following feed (a minor's default) applies the same rules.
    await postJson(`${server.url}/v1/events`, { events: [{ id: 'kid-follow', user: 'kid-de', creator: 'grown', type: 'follow' }] });
    const chronological = await explain('kid-de', 'adult-geo');
    expect(chronological.mode).toBe('following');
    expect(chronological.sources).toEqual([{ name: 'following', proposed: false, rawScore: null }]);
    expect(chronological.verdict).toMatch(/^The region filter removed it/);
  });

  it('answers 404 naming the unknown user or video, and 400 for a bad mode; it is in the OpenAPI document', async () => {
    const noUser = await fetchWithKey(`${server.url}/v1/feed/nobody-at-all/explain/o1`);
    expect(noUser.status).toBe(404);
    expect(await noUser.json()).toEqual({ error: 'unknown user "nobody-at-all"', problems: [{ field: 'user', message: 'no such user' }] });
    // Explaining did not create the user, as a feed request would.
    expect((await fetchWithKey(`${server.url}/v1/users/nobody-at-all`)).status).toBe(404);
    const noVideo = await fetchWithKey(`${server.url}/v1/feed/np1/explain/nothing`);
    expect(noVideo.status).toBe(404);
    expect((await noVideo.json()).problems).toEqual([{ field: 'video', message: 'no such video' }]);
    const badMode = await fetchWithKey(`${server.url}/v1/feed/np1/explain/o1?mode=chaos`);
    expect(badMode.status).toBe(400);
    expect((await badMode.json()).problems[0].field).toBe('mode');
    const doc = await (await fetchWithKey(`${server.url}/docs/json`)).json();
    expect(Object.keys(doc.paths)).toContain('/v1/feed/{user}/explain/{video}');
  });
});
