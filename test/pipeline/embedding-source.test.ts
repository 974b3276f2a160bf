import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SOURCES } from '../../src/pipeline/candidates.js';
import { FeedPipeline, PERSONALIZED, SOURCE_NAMES } from '../../src/pipeline/feed-pipeline.js';
import type { FeedRequest } from '../../src/pipeline/stages.js';
import { fetchWithKey, postJson, putJson, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
const TOPICS = ['cats', 'cars', 'cooking', 'chess'];
const PER_TOPIC = 150;
const EMBEDDING = SOURCE_NAMES.indexOf('embedding');

interface Item {
  video: { id: string; durationMs: number };
  sources: string[];
  reasons: string[];
}

const topicOf = (id: string) => id.split('-')[0]!;

beforeAll(async () => {
  server = await startServer();
  const now = Date.now();
  for (const topic of TOPICS) {
    for (let i = 0; i < PER_TOPIC; i++) {
      const response = await putJson(`${server.url}/v1/videos/${topic}-${i}`, {
        creator: `${topic}-creator${i % 12}`,
        durationMs: 12_000,
        hashtags: [`${topic}${i % 6}`],
        sound: `${topic}-sound${i % 5}`,
        createdAt: now - (i * 4 + TOPICS.indexOf(topic)) * 60_000,
      });
      expect(response.ok).toBe(true);
    }
  }
});
afterAll(async () => server.dispose());

async function page(user: string, n = 20): Promise<Item[]> {
  return (await (await fetchWithKey(`${server.url}/v1/feed/${user}?n=${n}`)).json()).items;
}

let eventId = 0;
/** Finishes and likes the favourite topic, skips everything else. */
async function consume(user: string, items: Item[], favourite: string): Promise<void> {
  const events = items.flatMap((item) =>
    topicOf(item.video.id) === favourite
      ? [
          { id: `es${eventId++}`, user, video: item.video.id, type: 'play', watchMs: item.video.durationMs },
          { id: `es${eventId++}`, user, video: item.video.id, type: 'like' },
        ]
      : [{ id: `es${eventId++}`, user, video: item.video.id, type: 'skip', watchMs: 300 }],
  );
  expect((await postJson(`${server.url}/v1/events`, { events })).status).toBe(200);
}

/** The embedding source's candidates for the user in one run of the real personalised pipeline, best first. */
function embeddingCandidates(user: string): string[] {
  const { state } = server.service;
  const request: FeedRequest = {
    user: state.users.get(user)!,
    mode: 'personalized',
    n: 10,
    now: Date.now(),
    state,
    algorithm: server.service.algorithm.config,
  };
  const { candidates } = new FeedPipeline().run(PERSONALIZED, request);
  const found: Array<{ id: string; score: number }> = [];
  for (let slot = 0; slot < candidates.size; slot++) {
    if ((candidates.sourceMask[slot]! & (1 << EMBEDDING)) === 0) continue;
    found.push({ id: state.catalog.video(candidates.vidx[slot]!).id, score: candidates.rawScore[slot * MAX_SOURCES + EMBEDDING]! });
  }
  return found.sort((a, b) => b.score - a.score).map((c) => c.id);
}

describe('embedding source', () => {
  it('returns nothing for a user without a learned vector', async () => {
    await page('newcomer');
    expect(embeddingCandidates('newcomer')).toEqual([]);
  });

  it('brings a user who engages with one cluster more of that cluster, with its reason', async () => {
    const user = 'cat-person';
    for (let round = 0; round < 4; round++) await consume(user, await page(user), 'cats');
    // The index re-inserts moved vectors in batches every few hundred learned events; this test sends fewer, so
    // it lets the backlog through rather than sending filler events.
    expect(server.service.state.videoVectors!.pending).toBeGreaterThan(0);
    server.service.state.videoVectors!.flushAll();

    const found = embeddingCandidates(user);
    expect(found.length).toBeGreaterThan(30);
    const top = found.slice(0, 30);
    expect(top.filter((id) => topicOf(id) === 'cats').length / top.length).toBeGreaterThanOrEqual(0.8);
    // Nothing already served or engaged with comes back.
    const seen = server.service.state.users.get(user)!.seen;
    expect(found.every((id) => !seen.has(server.service.state.catalog.vidx(id)!))).toBe(true);

    const items = await page(user);
    const fromEmbedding = items.filter((item) => item.sources.includes('embedding'));
    expect(fromEmbedding.length).toBeGreaterThan(0);
    for (const item of fromEmbedding) expect(item.reasons).toContain('embedding: similar to what you watch');
  });

  it('never proposes a video taken down after it was indexed', async () => {
    const user = 'cat-person';
    const best = embeddingCandidates(user)[0]!;
    const response = await putJson(`${server.url}/v1/videos/${best}`, {
      creator: 'cats-creator0',
      durationMs: 12_000,
      hashtags: ['cats0'],
      status: 'removed',
    });
    expect(response.ok).toBe(true);
    expect(embeddingCandidates(user)).not.toContain(best);
  });
});
