/**
 * A user's own controls, with their own key, on a server with a feed worker (so the replicas must follow): events
 * sent for themselves only (all or nothing), personalisation off, and a reset of the learned profile that every
 * replica applies and a restart replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { feedThreadOf } from '../../src/service/feed-workers.js';
import { fetchWithKey, postJson, putJson, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
const keys: Record<string, string> = {};
const TOPICS = ['cats', 'cars', 'cooking', 'chess'];
/** Profile-driven sources: gone once the profile is reset. */
const PROFILE_SOURCES = ['topic', 'co-engagement', 'embedding', 'onboarding'];

/** A user id served by the feed worker (not the main thread), so that its replica is what answers. */
function workerUser(prefix: string): string {
  for (let i = 0; ; i++) if (feedThreadOf(`${prefix}${i}`, 1) === 0) return `${prefix}${i}`;
}
const ann = workerUser('ann');
const rita = workerUser('rita');

interface Item {
  video: { id: string; mediaUrl?: string; thumbnailUrl?: string };
  sources: string[];
  reasons: string[];
}

async function page(user: string, query = ''): Promise<{ mode: string; items: Item[] }> {
  const response = await fetchWithKey(`${server.url}/v1/feed/${user}?n=20${query}`, {}, keys[user]);
  expect(response.status).toBe(200);
  return response.json();
}

async function exported(user: string) {
  return (await fetchWithKey(`${server.url}/v1/users/${user}/export`, {}, keys[user])).json();
}

beforeAll(async () => {
  server = await startServer(undefined, { feedWorkers: 1 });
  const now = Date.now();
  for (const topic of TOPICS) {
    for (let i = 0; i < 40; i++) {
      await putJson(`${server.url}/v1/videos/${topic}-${i}`, {
        creator: `${topic}-creator${i % 8}`,
        durationMs: 10_000,
        caption: `${topic} ${i}`,
        hashtags: [topic, `${topic}${i % 4}`],
        sound: `${topic}-sound${i % 3}`,
        region: 'DE',
        createdAt: now - (i * 4 + TOPICS.indexOf(topic) + 100) * 60_000,
        mediaUrl: `https://cdn.example/${topic}-${i}.mp4`,
        thumbnailUrl: `/media/demo/${topic}.jpg`,
      });
    }
  }
  const apiKeys = new ApiKeys(server.service.store);
  for (const user of [ann, rita]) {
    expect((await putJson(`${server.url}/v1/users/${user}`, { region: 'DE' })).status).toBe(201);
    keys[user] = (await apiKeys.create('user', user)).key;
  }
}, 60_000);
afterAll(async () => server.dispose());

describe('POST /v1/users/:id/events', () => {
  it("refuses a batch naming another user (403, by index) and stores none of it", async () => {
    const before = (await server.service.store.counts()).events;
    const response = await postJson(
      `${server.url}/v1/users/${ann}/events`,
      {
        events: [
          { id: 'own-1', user: ann, video: 'cats-1', type: 'like' },
          { id: 'other-1', user: 'bob', video: 'cats-2', type: 'like' },
          { id: 'own-2', user: ann, video: 'cats-3', type: 'like' },
        ],
      },
      keys[ann],
    );
    expect(response.status).toBe(403);
    const body = await response.json();
    expect(body.problems).toEqual([{ index: 1, field: 'user', message: expect.stringContaining('events.1.user') }]);
    expect((await server.service.store.counts()).events).toBe(before);
    expect((await exported(ann)).events).toEqual([]);
  });

  it("stores the user's own events, atomically and idempotently", async () => {
    const events = [
      { id: 'own-1', user: ann, video: 'cats-1', type: 'play', watchMs: 9000 },
      { id: 'own-2', user: ann, video: 'cats-1', type: 'like' },
    ];
    const first = await postJson(`${server.url}/v1/users/${ann}/events`, { events }, keys[ann]);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 2, duplicates: 0 });
    const again = await postJson(`${server.url}/v1/users/${ann}/events`, { events }, keys[ann]);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 2 });
    // A bad event among good ones: the usual 400, nothing stored.
    const bad = await postJson(`${server.url}/v1/users/${ann}/events`, { events: [{ id: 'own-3', user: ann, video: 'nope', type: 'like' }] }, keys[ann]);
    expect(bad.status).toBe(400);
    expect((await exported(ann)).events.map((e: { id: string }) => e.id)).toEqual(['own-1', 'own-2']);
  });
});

describe('PATCH /v1/users/:id/settings', () => {
  it('turns the default feed non-personalised, on the worker that serves the user, and back', async () => {
    const personalized = await page(ann);
    expect(personalized.mode).toBe('personalized');
    // The worker's replica holds the videos' media too.
    for (const item of personalized.items) {
      expect(item.video).toMatchObject({ mediaUrl: `https://cdn.example/${item.video.id}.mp4`, thumbnailUrl: expect.stringMatching(/^\/media\/demo\//) });
    }
    const response = await fetchWithKey(
      `${server.url}/v1/users/${ann}/settings`,
      { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ personalized: false }) },
      keys[ann],
    );
    expect(response.status).toBe(200);
    const user = await response.json();
    expect(user).toMatchObject({ id: ann, region: 'DE', settings: { personalized: false, minor: false } });
    const nonPersonalized = await page(ann);
    expect(nonPersonalized.mode).toBe('nonpersonalized');
    expect(nonPersonalized.items.flatMap((item) => item.sources).filter((s) => PROFILE_SOURCES.includes(s))).toEqual([]);
    expect((await server.service.store.getUser(ann))?.settings.personalized).toBe(false);
    // A user may not change what is not theirs to change.
    const minor = await fetchWithKey(
      `${server.url}/v1/users/${ann}/settings`,
      { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minor: false }) },
      keys[ann],
    );
    expect(minor.status).toBe(400);
    expect((await minor.json()).problems[0].field).toBe('minor');
  });
});

describe('POST /v1/users/:id/reset', () => {
  let eventId = 0;
  async function likeTopic(user: string, topic: string, count: number): Promise<void> {
    const events = Array.from({ length: count }, (_, i) => [
      { id: `r${eventId++}`, user, video: `${topic}-${i}`, type: 'play', watchMs: 10_000 },
      { id: `r${eventId++}`, user, video: `${topic}-${i}`, type: 'like' },
    ]).flat();
    expect((await postJson(`${server.url}/v1/users/${user}/events`, { events }, keys[user])).status).toBe(200);
    // Acknowledged once stored; the topic profile is learned behind (event-ingest.ts).
    await server.service.caughtUp();
  }
  const profileSources = (items: Item[]) => items.flatMap((item) => item.sources).filter((s) => PROFILE_SOURCES.includes(s));

  it('forgets the learned profile in every replica; follows stay; a restart replays it', async () => {
    await likeTopic(rita, 'chess', 12);
    expect((await postJson(`${server.url}/v1/users/${rita}/events`, { events: [{ id: 'f1', user: rita, creator: 'cars-creator1', type: 'follow' }] }, keys[rita])).status).toBe(200);
    const before = await page(rita);
    expect(profileSources(before.items)).toContain('topic');
    expect(before.items.some((item) => item.reasons.some((reason) => reason.startsWith('topic:')))).toBe(true);
    const learned = await exported(rita);
    expect(learned.model.recentEngagementsKept).toBeGreaterThan(0);
    expect(learned.model.userVector.hasVector).toBe(true);
    expect(learned.model.retrievalVector.hasVector).toBe(true);

    const response = await fetchWithKey(`${server.url}/v1/users/${rita}/reset`, { method: 'POST' }, keys[rita]);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ reset: true });

    // Served by the worker's replica: it forgot too.
    const after = await page(rita);
    expect(after.items.length).toBeGreaterThan(0);
    expect(profileSources(after.items)).toEqual([]);
    expect(after.items.some((item) => item.reasons.some((reason) => reason.startsWith('topic:')))).toBe(false);
    const reset = await exported(rita);
    expect(reset.model.recentEngagementsKept).toBe(0);
    expect(reset.model.userVector.hasVector).toBe(false);
    expect(reset.model.retrievalVector.hasVector).toBe(false);
    expect(reset.inferredInterests.hashtags).toEqual([]);
    expect(reset.follows).toEqual(['cars-creator1']);
    expect(reset.events.length).toBe(learned.events.length); // the events themselves stay
    const following = await page(rita, '&mode=following');
    expect(following.items.length).toBeGreaterThan(0);

    // A restart rebuilds the state from the events: the recorded reset is replayed at its place in the log.
    await server.stop();
    server = await startServer(server.dbPath, { feedWorkers: 1 });
    const afterRestart = (await page(rita)).items;
    expect(profileSources(afterRestart)).toEqual([]);
    expect(afterRestart[0]!.video.mediaUrl).toBe(`https://cdn.example/${afterRestart[0]!.video.id}.mp4`);
    const restarted = await exported(rita);
    expect(restarted.model.recentEngagementsKept).toBe(0);
    expect(restarted.model.userVector.hasVector).toBe(false);
    expect(restarted.model.retrievalVector.hasVector).toBe(false);

    // What the user does after the reset builds the new profile.
    await likeTopic(rita, 'cooking', 12);
    const relearned = await exported(rita);
    expect(relearned.inferredInterests.hashtags[0].name).toBe('cooking');
    expect(relearned.inferredInterests.hashtags.some((tag: { name: string }) => tag.name === 'chess')).toBe(false);
  });

  it('is audited under a pseudonym, and 404s for an unknown user', async () => {
    const audit = await (await fetchWithKey(`${server.url}/v1/audit?limit=1000`, {}, 'test-admin-key-0123456789abcdef')).json();
    const entry = audit.entries.find((e: { kind: string }) => e.kind === 'user.profile-reset');
    expect(entry.subject).toMatch(/^user:/);
    expect(JSON.stringify(entry)).not.toContain(rita);
    expect((await fetchWithKey(`${server.url}/v1/users/nobody/reset`, { method: 'POST' })).status).toBe(404);
  });
});
