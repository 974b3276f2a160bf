/**
 * The safety rules through the HTTP API, across a restart: blocked creators and sounds, geo-restricted videos,
 * adult videos and minors, and what "not interested" does to a sound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedMode } from '../../src/core/schemas.js';
import { fetchWithKey, postJson, putJson, putVideos, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
const VIDEOS = 70;

interface Item {
  video: { id: string; creator: string; sound?: string };
}

/** Every video the user would be served in this mode, paging until the feed runs dry. */
async function everything(user: string, mode: FeedMode): Promise<Item[]> {
  const all: Item[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 30; page++) {
    const query: string = `mode=${mode}&n=20${cursor ? `&cursor=${cursor}` : ''}`;
    const response = await fetchWithKey(`${server.url}/v1/feed/${user}?${query}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Item[]; cursor: string | null };
    if (body.items.length === 0) break;
    all.push(...body.items);
    cursor = body.cursor;
  }
  return all;
}

async function put(path: string, body: unknown): Promise<Response> {
  const response = await putJson(`${server.url}${path}`, body);
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return response;
}

async function follow(user: string, creator: string): Promise<void> {
  const response = await postJson(`${server.url}/v1/events`, { events: [{ id: `${user}-f-${creator}`, user, creator, type: 'follow' }] });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  server = await startServer();
  await putVideos(server.url, VIDEOS);
  const now = Date.now();
  await put('/v1/videos/geo', { creator: 'c1', durationMs: 9_000, sound: 'geo-sound', region: 'DE', blockedRegions: ['DE'], createdAt: now - 1000 });
  await put('/v1/videos/adult', { creator: 'c2', durationMs: 9_000, sound: 'adult-sound', audience: 'adult', createdAt: now - 2000 });
});
afterAll(async () => server.dispose());

describe('safety rules', () => {
  it('stores blocks, audience and geo-restrictions, refuses bad ones naming the field, and keeps them across a restart', async () => {
    const created = await (await put('/v1/users/blocker', { region: 'FR', blocked: { creators: ['c3'], sounds: ['s4'] } })).json();
    expect(created.blocked).toEqual({ creators: ['c3'], sounds: ['s4'] });
    const bad = await putJson(`${server.url}/v1/users/blocker`, { blocked: { creators: 'c3' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).problems[0].field).toBe('blocked.creators');
    const badVideo = await putJson(`${server.url}/v1/videos/bad`, { creator: 'c1', durationMs: 1000, audience: 'kids' });
    expect(badVideo.status).toBe(400);
    expect((await badVideo.json()).problems[0].field).toBe('audience');

    await server.stop();
    server = await startServer(server.dbPath);
    const user = await (await fetchWithKey(`${server.url}/v1/users/blocker`)).json();
    expect(user.blocked).toEqual({ creators: ['c3'], sounds: ['s4'] });
    const geo = await (await fetchWithKey(`${server.url}/v1/videos/geo`)).json();
    expect(geo).toMatchObject({ blockedRegions: ['DE'] });
    expect(await (await fetchWithKey(`${server.url}/v1/videos/adult`)).json()).toMatchObject({ audience: 'adult' });
    // A video stored without the new fields reads back without them (absent = the default).
    expect(await (await fetchWithKey(`${server.url}/v1/videos/v1`)).json()).not.toHaveProperty('audience');
  });

  it('never serves a blocked creator or sound, in any mode', async () => {
    await follow('blocker', 'c3');
    await follow('blocker', 'c5');
    for (const mode of ['personalized', 'nonpersonalized', 'following'] as const) {
      const items = await everything('blocker', mode);
      expect(items.length, mode).toBeGreaterThan(mode === 'following' ? 5 : 40);
      expect(items.filter((item) => item.video.creator === 'c3' || item.video.sound === 's4'), mode).toEqual([]);
    }
  });

  it('never serves a geo-restricted video in its regions, nor to a user of unknown region', async () => {
    await put('/v1/users/de-user', { region: 'DE' });
    await put('/v1/users/fr-user', { region: 'FR' });
    await put('/v1/users/zz-user', {});
    const ids = async (user: string, mode: FeedMode) => (await everything(user, mode)).map((item) => item.video.id);
    for (const mode of ['personalized', 'nonpersonalized'] as const) {
      expect(await ids('de-user', mode)).not.toContain('geo');
      expect(await ids('zz-user', mode)).not.toContain('geo');
      expect(await ids('fr-user', mode)).toContain('geo');
    }
  });

  it('never serves an adult video to a minor, not even from an account they follow', async () => {
    await put('/v1/users/teen', { region: 'FR', settings: { minor: true } });
    await put('/v1/users/grown-up', { region: 'FR' });
    await follow('teen', 'c2');
    await follow('grown-up', 'c2');
    // A minor's default feed is the chronological following feed.
    const teenDefault = await (await fetchWithKey(`${server.url}/v1/feed/teen?n=50`)).json();
    expect(teenDefault.mode).toBe('following');
    expect(teenDefault.items.length).toBe(VIDEOS / 7);
    expect(teenDefault.items.map((item: Item) => item.video.id)).not.toContain('adult');
    expect((await everything('grown-up', 'following')).map((item) => item.video.id)).toContain('adult');
    for (const mode of ['personalized', 'nonpersonalized'] as const) {
      expect((await everything('teen', mode)).map((item) => item.video.id), mode).not.toContain('adult');
    }
  });

  it('"not interested" hides the creator at once, and a sound once two of its videos were marked', async () => {
    // putVideos gives v{i} creator c{i % 7} and sound s{i % 13}: v6 and v19 share s6 but not their creator.
    const send = (id: string, video: string) =>
      postJson(`${server.url}/v1/events`, { events: [{ id, user: 'picky', video, type: 'not_interested' }] });
    const soundVerdict = async () =>
      (await (await fetchWithKey(`${server.url}/v1/feed/picky/explain/v32`)).json()).filters.find(
        (filter: { name: string }) => filter.name === 'sound',
      );
    await send('picky-1', 'v6');
    expect(await soundVerdict()).toEqual({ name: 'sound', passed: true, reason: null });
    await send('picky-2', 'v19');
    expect(await soundVerdict()).toEqual({ name: 'sound', passed: false, reason: 'you marked 2 videos with sound s6 "not interested"' });
    const items = await everything('picky', 'personalized');
    expect(items.length).toBeGreaterThan(40);
    expect(items.filter((item) => item.video.creator === 'c6' || item.video.creator === 'c5' || item.video.sound === 's6')).toEqual([]);
  });
});
