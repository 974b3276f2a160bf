import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithKey, postJson, putJson, startServer, TEST_ADMIN_KEY, type RunningServer } from '../helpers/running-server.js';

/** Three taste groups; no hashtags or sounds, one creator per video: only collaborative filtering can tell them apart. */
const GROUPS = ['a', 'b', 'c'];
const VIDEOS_PER_GROUP = 30;
const USERS_PER_GROUP = 20;
const RETRAIN = { model: 'item-knn' as const, everyMs: 0, afterEvents: 60, maxItems: 1000 };

let server: RunningServer;
let eventId = 0;
const groupOf = (videoId: string) => videoId[0]!;

interface Item {
  video: { id: string };
  sources: string[];
  reasons: string[];
}

async function page(user: string): Promise<Item[]> {
  const response = await fetchWithKey(`${server.url}/v1/feed/${user}?n=10&mode=personalized`);
  expect(response.status).toBe(200);
  return (await response.json()).items;
}

async function send(events: object[]): Promise<void> {
  const response = await postJson(`${server.url}/v1/events`, { events });
  expect(response.status).toBe(200);
  // Acknowledged once stored; learned behind (event-ingest.ts): in these tests, before the next page.
  await server.service.caughtUp();
}

const likeAndFinish = (user: string, video: string) => [
  { id: `e${eventId++}`, user, video, type: 'play', watchMs: 20_000 },
  { id: `e${eventId++}`, user, video, type: 'like' },
];

beforeAll(async () => {
  server = await startServer(undefined, { retrain: RETRAIN });
  const now = Date.now();
  for (const group of GROUPS) {
    for (let v = 0; v < VIDEOS_PER_GROUP; v++) {
      const response = await putJson(`${server.url}/v1/videos/${group}${v}`, {
        creator: `${group}-creator-${v}`,
        durationMs: 20_000,
        caption: '',
        createdAt: now - 30 * 86_400_000,
      });
      expect(response.ok).toBe(true);
    }
  }
  // Every user of a group finishes and likes a fixed two thirds of its videos.
  const events: object[] = [];
  for (const group of GROUPS) {
    for (let u = 0; u < USERS_PER_GROUP; u++) {
      for (let v = 0; v < VIDEOS_PER_GROUP; v++) if ((u + v) % 3 !== 0) events.push(...likeAndFinish(`${group}-user-${u}`, `${group}${v}`));
    }
  }
  await send(events);
});
afterAll(async () => server.dispose());

describe('the batch model in serving', () => {
  it('is fitted in the background, audited and published, and serves its picks', async () => {
    const { service } = server;
    expect(service.state.batch).toBeUndefined();
    expect(service.retrainer!.due()).toBe(true);
    const result = await service.retrainer!.checkNow();
    expect(result).toMatchObject({ model: 'item-knn', version: 1, users: 60, items: 90 });
    expect(service.state.batch!.info).toMatchObject({ name: 'item-knn', version: 1 });
    expect(service.retrainer!.due()).toBe(false);

    const audit = await (await fetchWithKey(`${server.url}/v1/audit?limit=1000`, {}, TEST_ADMIN_KEY)).json();
    const entry = audit.entries.find((e: { kind: string }) => e.kind === 'model.version');
    expect(entry).toMatchObject({ actor: 'foryou serve (retrainer)', subject: 'item-knn v1' });

    const transparency = await (await fetch(`${server.url}/v1/transparency`)).json();
    expect(transparency.models.batch).toMatchObject({ name: 'item-knn', version: 1, items: 90, retrainedInBackground: true });
    expect(transparency.algorithm.description.join(' ')).toContain('"item-knn" version 1');
  });

  it('folds a new like in at once: the next page follows it, before any refit', async () => {
    const before = await page('newcomer');
    expect(before.some((item) => item.sources.includes('batch-model'))).toBe(false); // nothing to fold in yet
    const liked = ['b1', 'b2', 'b4'].filter((id) => !before.some((item) => item.video.id === id));
    await send(liked.flatMap((video) => likeAndFinish('newcomer', video)));
    const after = await page('newcomer');
    const picks = after.filter((item) => item.sources.includes('batch-model'));
    expect(picks.length).toBeGreaterThanOrEqual(5);
    expect(picks.filter((item) => groupOf(item.video.id) === 'b').length).toBeGreaterThanOrEqual(picks.length - 1);
    expect(picks[0]!.reasons.join(' ')).toContain('model "item-knn" version 1');
    expect(server.service.state.batch!.info.version).toBe(1);
  });

  it('refits once enough events arrived, and a restart serves the newest version with what came after it', async () => {
    const events: object[] = [];
    for (let u = 0; u < 30; u++) events.push(...likeAndFinish(`c-user-${u % USERS_PER_GROUP}`, `c${(u * 7) % VIDEOS_PER_GROUP}`));
    await send(events);
    expect(server.service.retrainer!.due()).toBe(true);
    expect((await server.service.retrainer!.checkNow())?.version).toBe(2);
    // A like after the refit, folded in online only.
    await send(likeAndFinish('late-user', 'a3'));
    await server.stop();
    server = await startServer(server.dbPath, { retrain: RETRAIN });
    expect(server.service.state.batch!.info).toMatchObject({ name: 'item-knn', version: 2 });
    // The restart restored the state it stopped with (the ranker too, which orders the page): the model's own picks
    // for the user folded in from one like of an 'a' video are the 'a' videos first, and most of the page's.
    expect(server.service.restoredFrom).toBeDefined();
    const modelPicks = Array.from(server.service.state.batch!.picksFor('late-user')!.subarray(0, 29));
    const { batch, catalog } = server.service.state;
    expect(modelPicks.every((item) => groupOf(catalog.ids[batch!.itemVidx[item]!]!) === 'a')).toBe(true);
    const picks = (await page('late-user')).filter((item) => item.sources.includes('batch-model'));
    expect(picks.length).toBeGreaterThan(0);
    expect(picks.filter((item) => groupOf(item.video.id) === 'a').length).toBeGreaterThan(picks.length / 2);
  });

  it('after an erasure deleted the stored models, the next check refits without the user', async () => {
    const response = await fetchWithKey(`${server.url}/v1/users/late-user`, { method: 'DELETE' }, TEST_ADMIN_KEY);
    expect(response.status).toBe(200);
    expect((await response.json()).batchSnapshots).toBeGreaterThan(0);
    expect(server.service.retrainer!.due()).toBe(true);
    const refit = await server.service.retrainer!.checkNow();
    expect(refit?.version).toBe(1); // the older versions were deleted with the user's rows in them
    expect(refit?.users).toBe(60 + 1); // the groups and the newcomer, not the erased user
  });

  it('drops a fit that was reading the log when a user was erased, and refits without them', async () => {
    await send(likeAndFinish('brief-user', 'c1'));
    const retrainer = server.service.retrainer!;
    const fitting = retrainer.trainNow();
    // What an erasure tells the retrainer, while this fit reads the log holding the user (the fit runs on this
    // thread here, so the HTTP erasure itself could only come after it).
    retrainer.markStale();
    expect(await fitting).toBeUndefined();
    const response = await fetchWithKey(`${server.url}/v1/users/brief-user`, { method: 'DELETE' }, TEST_ADMIN_KEY);
    expect(response.status).toBe(200);
    const names = (await server.service.store.listModelSnapshots()).map((s) => s.name);
    expect(names).not.toContain('item-knn');
    expect(retrainer.due()).toBe(true);
    const refit = await retrainer.checkNow();
    expect(refit?.version).toBe(1);
    expect(refit?.users).toBe(60 + 1);
  });

  it('never writes a scheduled state snapshot and fits at the same time (each is hundreds of MB at 1M videos)', async () => {
    const { service } = server;
    const retrainer = service.retrainer!;
    const events: object[] = [];
    for (let v = 0; v < VIDEOS_PER_GROUP; v++) events.push(...likeAndFinish('d-user', `b${v}`));
    await send(events);
    expect(retrainer.due()).toBe(true);
    // A snapshot under way: the scheduled check leaves the fit for later.
    const writing = service.snapshotState({ force: true });
    expect(await retrainer.checkNow()).toBeUndefined();
    await writing;
    expect(retrainer.due()).toBe(true);
    // A fit under way: the scheduled snapshot waits for the next tick; a forced one (an erasure's) does not.
    await send(likeAndFinish('d-user', 'a8')); // something new to snapshot
    const fitting = retrainer.trainNow();
    expect(await service.snapshotState()).toBeUndefined();
    expect(await service.snapshotState({ force: true })).toMatchObject({ manifest: expect.anything() });
    expect((await fitting)?.version).toBe(2);
    await send(likeAndFinish('d-user', 'a9'));
    expect(await service.snapshotState()).toMatchObject({ manifest: expect.anything() });
  });
});
