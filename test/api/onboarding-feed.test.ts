import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, loadWorldIntoStore, type World } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchWithKey, postJson, putJson, startServer, type RunningServer } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

interface FeedBody {
  items: Array<{ video: { id: string; hashtags: string[] }; sources: string[]; reasons: string[] }>;
}

const temp = makeTempDir();
let server: RunningServer;
let world: World;

beforeAll(async () => {
  // A world with history, stored through the ordinary Store, then served by a real server rebuilt from the file
  world = createWorld({ users: 1_000, videos: 4_000, seed: 5 });
  const dbPath = join(temp.dir, 'foryou.db');
  const store = new SqliteStore(dbPath);
  await loadWorldIntoStore(store, world, 60_000);
  await store.close();
  server = await startServer(dbPath);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  temp.cleanup();
});

describe('onboarding', () => {
  it('A new user with onboarding interests gets a feed matching them on the first request', async () => {
    // Four topics among the least common, as hashtags: a small share of the catalogue carries any of them
    const tagged = (tag: string) => world.videos.filter((v) => v.status === 'live' && v.hashtags.includes(tag)).length;
    const interests = world.topics
      .map((t) => t.name)
      .filter((tag) => tagged(tag) >= 40)
      .sort((a, b) => tagged(a) - tagged(b))
      .slice(0, 4);
    const share = world.videos.filter((v) => v.hashtags.some((tag) => interests.includes(tag))).length / world.videos.length;
    expect(share).toBeLessThan(0.15);

    const created = await putJson(`${server.url}/v1/users/newbie`, { region: 'US', interests: interests.map((tag) => `#${tag}`) });
    expect(created.status).toBe(201);
    const response = await fetchWithKey(`${server.url}/v1/feed/newbie?n=10`);
    expect(response.status).toBe(200);
    const page: FeedBody = await response.json();
    expect(page.items).toHaveLength(10);
    const matching = page.items.filter((item) => item.video.hashtags.some((tag) => interests.includes(tag)));
    expect(matching.length).toBeGreaterThanOrEqual(7);
    for (const item of matching) {
      expect(item.sources).toContain('onboarding');
      const picked = interests.filter((tag) => item.video.hashtags.includes(tag));
      expect(item.reasons).toContain(`onboarding: you picked ${picked.map((tag) => `#${tag}`).join(', ')}`);
    }

    // Once their own likes speak, onboarding steps aside and their topics take over
    const events = page.items.map((item, i) => ({ id: `newbie-like-${i}`, user: 'newbie', video: item.video.id, type: 'like' }));
    expect((await postJson(`${server.url}/v1/events`, { events })).status).toBe(200);
    const later: FeedBody = await (await fetchWithKey(`${server.url}/v1/feed/newbie?n=10`)).json();
    expect(later.items.some((item) => item.sources.includes('onboarding'))).toBe(false);
    expect(later.items.some((item) => item.sources.includes('topic'))).toBe(true);

    // Someone who picked nothing gets no onboarding candidates
    const plain: FeedBody = await (await fetchWithKey(`${server.url}/v1/feed/no-interests?n=10`)).json();
    expect(plain.items.every((item) => !item.sources.includes('onboarding'))).toBe(true);
  });
});
