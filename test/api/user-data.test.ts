import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithKey, TEST_ADMIN_KEY, postJson, putJson, putVideos, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await putVideos(server.url, 30);
  await putJson(`${server.url}/v1/users/mira`, { region: 'DE', interests: ['tag1'] });
  // mira uploads one video; bob follows her and watches it.
  await putJson(`${server.url}/v1/videos/mira-clip`, { creator: 'mira', durationMs: 10_000, hashtags: ['cats'], region: 'DE' });
  const events = [
    ...Array.from({ length: 6 }, (_, i) => ({ id: `m-play-${i}`, user: 'mira', video: `v${i}`, type: 'play', watchMs: 20_000 })),
    { id: 'm-like-0', user: 'mira', video: 'v0', type: 'like' },
    { id: 'm-like-3', user: 'mira', video: 'v6', type: 'like' },
    { id: 'm-follow', user: 'mira', creator: 'c2', type: 'follow' },
    { id: 'm-ni', user: 'mira', video: 'v4', type: 'not_interested' },
    { id: 'b-follow', user: 'bob', creator: 'mira', type: 'follow' },
    { id: 'b-play', user: 'bob', video: 'mira-clip', type: 'play', watchMs: 9_000 },
  ];
  const accepted = await postJson(`${server.url}/v1/events`, { events });
  expect(accepted.status, await accepted.clone().text()).toBe(200);
  expect((await fetchWithKey(`${server.url}/v1/feed/mira?n=5`)).status).toBe(200);
});
afterAll(() => server.dispose());

describe('GET /v1/users/:id/export', () => {
  it('returns everything held about the user and audits the export without the data', async () => {
    const response = await fetchWithKey(`${server.url}/v1/users/mira/export`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.profile).toMatchObject({ id: 'mira', region: 'DE', interests: ['tag1'] });
    expect(body.settings).toEqual({ personalized: true, minor: false });
    expect(body.events.map((e: { id: string }) => e.id).sort()).toEqual(
      ['m-follow', 'm-like-0', 'm-like-3', 'm-ni', ...Array.from({ length: 6 }, (_, i) => `m-play-${i}`)].sort(),
    );
    expect(body.follows).toEqual(['c2']);
    expect(body.notInterestedCreators).toEqual(['c4']);
    expect(body.notInterestedSounds).toEqual({ s4: 1 });
    expect(body.servedItems).toHaveLength(5);
    expect(body.videos.map((v: { id: string }) => v.id)).toEqual(['mira-clip']);
    // v0 and v6 carry topic0: a well-watched play and two likes make it the top hashtag.
    expect(body.inferredInterests.positiveEngagements).toBeGreaterThan(0);
    expect(body.inferredInterests.hashtags[0].name).toBe('topic0');
    expect(body.model.userVector.hasVector).toBe(true);
    expect(body.model.userVector.norm).toBeGreaterThan(0);
    expect(body.model.userVector.sightings).toBeGreaterThanOrEqual(2);

    const audit = await (await fetchWithKey(`${server.url}/v1/audit?after=0&limit=10`, {}, TEST_ADMIN_KEY)).json();
    const exported = audit.entries.filter((e: { kind: string }) => e.kind === 'user.exported');
    expect(exported).toHaveLength(1);
    expect(exported[0].subject).toMatch(/^user:[0-9a-f]{32}$/);
    expect(JSON.stringify(exported[0])).not.toContain('mira');
  });

  it('answers 404 naming an unknown user, and 400 for a bad id', async () => {
    const unknown = await fetchWithKey(`${server.url}/v1/users/nobody/export`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toContain('nobody');
    const tooLong = await fetchWithKey(`${server.url}/v1/users/${'x'.repeat(129)}/export`);
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).problems[0].field).toContain('id');
  });
});

describe('GET /v1/transparency', () => {
  it('describes the active algorithm, the counts held, the audit head and the user controls', async () => {
    const body = await (await fetchWithKey(`${server.url}/v1/transparency`)).json();
    expect(body.algorithm.version).toBe(1);
    expect(body.algorithm.description.join(' ')).toContain('Diversity');
    expect(body.algorithm.signals.notInterested).toBeLessThan(0);
    expect(body.statistics).toMatchObject({ videos: 31, users: 2, events: 12, feedItemsServed: 5, algorithmVersions: 1 });
    const audit = await (await fetchWithKey(`${server.url}/v1/audit`, {}, TEST_ADMIN_KEY)).json();
    expect(body.statistics.auditEntries).toBe(audit.entries.length);
    expect(body.statistics.auditHeadHash).toBe(audit.entries.at(-1).hash);
    expect(body.controls.map((c: { control: string }) => c.control)).toEqual(
      expect.arrayContaining(['personalised feed on/off', 'following feed', 'export your data', 'erase your data']),
    );
  });
});

describe('GET /v1/audit', () => {
  it('pages through the entries', async () => {
    await server.service.audit.append('role.changed', 'admin', { role: 'auditor' }, 'key:k9');
    const first = await (await fetchWithKey(`${server.url}/v1/audit?limit=1`, {}, TEST_ADMIN_KEY)).json();
    expect(first.entries).toHaveLength(1);
    expect(first.next).toBe(1);
    const rest = await (await fetchWithKey(`${server.url}/v1/audit?after=${first.next}&limit=100`, {}, TEST_ADMIN_KEY)).json();
    expect(rest.entries[0].seq).toBe(2);
    expect(rest.entries[0].prevHash).toBe(first.entries[0].hash);
    expect(rest.next).toBeNull();
    expect((await fetchWithKey(`${server.url}/v1/audit?limit=0`, {}, TEST_ADMIN_KEY)).status).toBe(400);
    expect((await (await fetchWithKey(`${server.url}/v1/audit/verify`, {}, TEST_ADMIN_KEY)).json()).ok).toBe(true);
  });
});

describe('DELETE /v1/users/:id', () => {
  it('erases the user, their upload and their traces in memory; audits the erasure without the id', async () => {
    const response = await fetchWithKey(`${server.url}/v1/users/mira`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    // 10 events of mira, bob's follow of her and bob's play of her video; her 5 served items; her video.
    expect(await response.json()).toMatchObject({ erased: true, users: 1, events: 12, served: 5, videos: 1 });

    const { state } = server.service;
    expect(state.users.has('mira')).toBe(false);
    expect(state.users.get('bob')!.follows.has('mira')).toBe(false);
    expect(state.catalog.get('mira-clip')).toBeUndefined();
    expect(state.catalog.isCreator('mira')).toBe(false);
    expect(state.learner!.ranker.tables.users.describe('mira')).toMatchObject({ hasVector: false, sightings: 0 });
    expect(state.learner!.ranker.tables.creators.describe('mira')).toMatchObject({ hasVector: false, sightings: 0 });
    expect((await fetchWithKey(`${server.url}/v1/videos/mira-clip`)).status).toBe(404);
    expect((await fetchWithKey(`${server.url}/v1/users/mira`)).status).toBe(404);
    expect((await fetchWithKey(`${server.url}/v1/users/mira/export`)).status).toBe(404);
    expect((await fetchWithKey(`${server.url}/v1/users/mira`, { method: 'DELETE' })).status).toBe(404);
    // bob's feed still works and never offers the erased video.
    const feed = await (await fetchWithKey(`${server.url}/v1/feed/bob?n=30`)).json();
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.items.map((i: { video: { id: string } }) => i.video.id)).not.toContain('mira-clip');

    const audit = await (await fetchWithKey(`${server.url}/v1/audit?limit=100`, {}, TEST_ADMIN_KEY)).json();
    const erased = audit.entries.find((e: { kind: string }) => e.kind === 'user.erased');
    expect(erased.detail).toMatchObject({ users: 1, events: 12, videos: 1 });
    expect(JSON.stringify(audit.entries)).not.toContain('mira');
  });
});
