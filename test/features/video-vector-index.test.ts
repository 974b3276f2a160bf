import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureAnnRecall } from '../../src/bench/ann-recall.js';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { Event, Video } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';
import { VIDEO_VECTOR_SNAPSHOT_NAME } from '../../src/features/video-vector-index.js';
import { encodeRanker, RANKER_SNAPSHOT_NAME } from '../../src/models/online/ranker-codec.js';
import { ForyouService } from '../../src/service/foryou-service.js';
import { clientEvent, createWorld, generateEvents, Random } from '../../src/sim/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const NOW = 1_800_000_000_000;
const DIM = 8;
/** Rows of the tower's tables: the vector, then the bias. */
const WIDTH = DIM + 1;

function video(id: string, creator: string, status: Video['status'] = 'live'): Video {
  return { id, creator, durationMs: 15_000, caption: '', hashtags: [], language: 'en', region: 'DE', createdAt: NOW - 60_000, status };
}

/**
 * A state whose retrieval tower holds `videos` item vectors in `clusters` tight clusters, and four users per cluster
 * pointing at it. Each video has its own creator, written straight into the tower (no video or hashtag vectors), so
 * its item vector is its creator's.
 */
function clusteredState(videos: number, clusters: number, seed = 7): { state: OnlineState; users: string[]; clusterOf: (vidx: number) => number } {
  const random = new Random(seed);
  const centers = Float32Array.from({ length: clusters * DIM }, () => random.normal());
  const clusterOfItem = new Int32Array(videos);
  const state = new OnlineState(DEFAULT_ALGORITHM);
  const tower = state.learner!.retrieval;
  state.videoVectors!.defer();
  for (let i = 0; i < videos; i++) {
    const c = random.int(clusters);
    clusterOfItem[i] = c;
    state.putVideo(video(`v${i}`, `creator-v${i}`));
    const base = tower.tables.creators.force(`creator-v${i}`, NOW) * WIDTH;
    for (let j = 0; j < DIM; j++) tower.tables.creators.vectors[base + j] = centers[c * DIM + j]! + 0.3 * random.normal();
  }
  const users = Array.from({ length: clusters * 4 }, (_, u) => `u${u}`);
  users.forEach((user, u) => {
    const c = u % clusters;
    const base = tower.tables.users.force(user, NOW) * WIDTH;
    for (let j = 0; j < DIM; j++) tower.tables.users.vectors[base + j] = centers[c * DIM + j]! + 0.3 * random.normal();
  });
  state.videoVectors!.attach();
  return { state, users, clusterOf: (vidx) => clusterOfItem[vidx]! };
}

function neighbours(state: OnlineState, user: string, k: number): number[] {
  const query = new Float32Array(DIM);
  expect(state.learner!.retrieval.userQuery(user, query)).toBe(true);
  const index = state.videoVectors!;
  const found = index.search(query, k);
  return Array.from(index.resultVidx.subarray(0, found));
}

/** The cosine of the user's query with the video's item vector as the tower has them now. */
function exactScore(state: OnlineState, user: string, vidx: number): number {
  const tower = state.learner!.retrieval;
  const query = new Float32Array(DIM);
  const item = new Float32Array(DIM);
  tower.userQuery(user, query);
  tower.itemVector(state.catalog.video(vidx), item);
  let sum = 0;
  for (let j = 0; j < DIM; j++) sum += query[j]! * item[j]!;
  return sum;
}

/** The score the index gives the video for the user's query (searching the whole index), or undefined if absent. */
function indexedScore(state: OnlineState, user: string, vidx: number): number | undefined {
  const query = new Float32Array(DIM);
  state.learner!.retrieval.userQuery(user, query);
  const index = state.videoVectors!;
  const found = index.search(query, index.size);
  for (let i = 0; i < found; i++) if (index.resultVidx[i] === vidx) return index.resultScore[i]!;
  return undefined;
}

function liveWithVector(state: OnlineState): number {
  const item = new Float32Array(DIM);
  let count = 0;
  state.catalog.allVideos().forEach((v, vidx) => {
    if (state.catalog.live[vidx] === 1 && state.learner!.retrieval.itemVector(v, item)) count++;
  });
  return count;
}

describe('video vector index', () => {
  it('finds the true top 100 by cosine on 20k clustered vectors (recall ≥ 0.95 against exact search)', () => {
    const { state, users } = clusteredState(20_000, 40);
    expect(state.videoVectors!.size).toBe(20_000);
    const result = measureAnnRecall(state, users, { queries: 160, k: 100 });
    expect(result.queries).toBe(160);
    expect(result.vectors).toBe(20_000);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('values the ANN answers and the exact ones with an oracle: in-cluster videos are worth 1, others 0', () => {
    const { state, users, clusterOf } = clusteredState(5_000, 10, 3);
    const userCluster = (user: string) => Number(user.slice(1)) % 10;
    const oracle = (user: string, video: string) => (clusterOf(state.catalog.vidx(video)!) === userCluster(user) ? 1 : 0);
    const result = measureAnnRecall(state, users, { queries: 40, k: 50, oracle });
    // Each user's query points at their cluster, so most answers are its videos (the edge of a nearby cluster can
    // come closer than the far side of their own), and with recall near 1 the two lists are worth the same.
    expect(result.exactTrueValue).toBeGreaterThan(0.8);
    expect(Math.abs(result.annTrueValue! - result.exactTrueValue!)).toBeLessThan(0.01);
    // An oracle that disagrees with every answer values them at 0.
    const none = measureAnnRecall(state, users, { queries: 40, k: 50, oracle: () => 0 });
    expect(none.annTrueValue).toBe(0);
    expect(none.exactTrueValue).toBe(0);
    expect(measureAnnRecall(state, users, { queries: 5, k: 10 }).annTrueValue).toBeUndefined();
  });

  it('updates vectors in place without taking room (capacity stays at the catalogue size)', () => {
    const { state } = clusteredState(3_000, 6, 5);
    const index = state.videoVectors!;
    const capacity = () => (index as unknown as { index: { getMaxElements(): number } }).index.getMaxElements();
    expect(capacity()).toBe(3_000);
    // Every vector refreshed, as learning does: the same labels, so no room is reserved (it used to double).
    for (let vidx = 0; vidx < 3_000; vidx++) index.learned(vidx, undefined, true);
    index.flushAll();
    expect(index.size).toBe(3_000);
    expect(capacity()).toBe(3_000);
    // A video taken down and put back keeps its label's slot.
    state.putVideo(video('v7', 'creator-v7', 'removed'));
    expect(index.size).toBe(2_999);
    state.putVideo(video('v7', 'creator-v7'));
    expect(index.size).toBe(3_000);
    expect(capacity()).toBe(3_000);
  });

  it('retrieves videos put after start, and never returns removed ones', () => {
    const { state, users, clusterOf } = clusteredState(3_000, 6, 11);
    const index = state.videoVectors!;
    const user = users[0]!;
    const top = neighbours(state, user, 20);
    expect(top.every((vidx) => clusterOf(vidx) === 0)).toBe(true);

    // A new upload from a creator whose vector points exactly along the user's query: the closest video there is.
    const tower = state.learner!.retrieval;
    const creators = tower.tables.creators;
    const slot = creators.force('rising-star', NOW);
    const query = new Float32Array(DIM);
    tower.userQuery(user, query);
    for (let j = 0; j < DIM; j++) creators.vectors[slot * WIDTH + j] = query[j]! * 3;
    state.putVideo(video('fresh-upload', 'rising-star'));
    const freshVidx = state.catalog.vidx('fresh-upload')!;
    expect(index.has(freshVidx)).toBe(true);
    expect(neighbours(state, user, 5)[0]).toBe(freshVidx);

    // Taken down: it leaves the index at once and stays out, even when events keep arriving for it.
    state.putVideo(video('fresh-upload', 'rising-star', 'removed'));
    expect(index.has(freshVidx)).toBe(false);
    for (let i = 0; i < 3000; i++) state.applyEvent({ id: `e${i}`, user, video: 'fresh-upload', creator: null, type: 'like', ts: NOW, watchMs: null });
    index.flushAll();
    expect(index.has(freshVidx)).toBe(false);
    expect(neighbours(state, user, 500)).not.toContain(freshVidx);
    // Pending videos are not served either.
    state.putVideo(video('draft', 'rising-star', 'pending'));
    expect(index.has(state.catalog.vidx('draft')!)).toBe(false);
  });

  it('refreshes the vectors that learning moves, in batches rather than per event', () => {
    const world = createWorld({ users: 50, videos: 400, seed: 3 });
    const state = new OnlineState(DEFAULT_ALGORITHM);
    for (const v of world.videos) state.putVideo(v);
    for (const u of world.users) state.putUser(u);
    const index = state.videoVectors!;
    // Nothing learned yet: every item vector is zero, so nothing is indexed.
    expect(index.size).toBe(0);
    const events = [...generateEvents(world, 5_000)];
    let maxPending = 0;
    for (const event of events) {
      state.applyEvent(event);
      maxPending = Math.max(maxPending, index.pending);
    }
    expect(index.size).toBeGreaterThan(0);
    expect(maxPending).toBeGreaterThan(1);
    const last = events[events.length - 1]!;
    const lastVidx = state.catalog.vidx(last.video!)!;
    index.flushAll();
    expect(index.pending).toBe(0);
    // Only what learning moved (and the sweep reached) is in: never more than the live videos with a vector.
    expect(index.size).toBeLessThanOrEqual(liveWithVector(state));
    // The video learned last was re-read by the flush: the index scores it as the tower does now.
    const expected = exactScore(state, last.user, lastVidx);
    expect(indexedScore(state, last.user, lastVidx)).toBeCloseTo(expected, 4);
  });

  it('round-trips through a state snapshot: a restarted service restores it and retrieves the same neighbours', async () => {
    const db = join(temp.dir, 'ann.db');
    const world = createWorld({ users: 100, videos: 2_000, seed: 9 });
    let service = await ForyouService.open(db);
    for (const v of world.videos) await service.putVideo(v);
    for (const u of world.users) await service.putUser(u);
    const events = [...generateEvents(world, 8_000)].map(clientEvent) as Event[];
    for (let i = 0; i < events.length; i += 2000) await service.ingest.ingest(events.slice(i, i + 2000));
    await service.caughtUp(); // acknowledged once stored; learned behind
    service.state.videoVectors!.flushAll();
    const users = world.users.slice(0, 10).map((u) => u.id).filter((id) => service.state.learner!.retrieval.tables.users.slotOf(id) >= 0);
    expect(users.length).toBeGreaterThan(3);
    const before = users.map((user) => neighbours(service.state, user, 50));
    const size = service.state.videoVectors!.size;
    await service.close();

    service = await ForyouService.open(db);
    expect(service.restoredFrom?.seq).toBe(events.length);
    expect(service.state.videoVectors!.size).toBe(size);
    expect(users.map((user) => neighbours(service.state, user, 50))).toEqual(before);

    // Events after the snapshot (the store closes without a new one): the restart replays them over the restored
    // index and re-reads their videos' vectors.
    const late = events.filter((e) => e.type === 'like' || e.type === 'play').slice(0, 50).map((e, i) => ({ ...e, id: `late-${i}` }));
    await service.ingest.ingest(late);
    await service.store.close();
    service = await ForyouService.open(db);
    const index = service.state.videoVectors!;
    expect(service.restoredFrom?.seq).toBe(events.length);
    // The replay marked the videos it moved, as the live index did; they are re-read as the live index would be.
    expect(index.pending).toBeGreaterThan(0);
    index.flushAll();
    const lastLate = late[late.length - 1]!;
    const lastVidx = service.state.catalog.vidx(lastLate.video!)!;
    expect(indexedScore(service.state, lastLate.user, lastVidx)).toBeCloseTo(exactScore(service.state, lastLate.user, lastVidx), 4);
    await service.close();
  });

  it('rebuilds from the tower when the snapshot is missing', async () => {
    const db = join(temp.dir, 'ann-missing.db');
    const world = createWorld({ users: 60, videos: 800, seed: 4 });
    const service = await ForyouService.open(db);
    for (const v of world.videos) await service.putVideo(v);
    for (const u of world.users) await service.putUser(u);
    const events = [...generateEvents(world, 3_000)].map(clientEvent) as Event[];
    await service.ingest.ingest(events);
    await service.caughtUp();
    // Only the models are saved: the index snapshot is missing.
    await service.store.saveModelSnapshot(RANKER_SNAPSHOT_NAME, encodeRanker(service.state.learner!), { seq: service.state.learner!.lastSeq });
    await service.store.close();

    const restarted = await ForyouService.open(db);
    const index = restarted.state.videoVectors!;
    expect(index.restoredFromSnapshot).toBe(false);
    expect(index.size).toBeGreaterThan(0);
    expect(index.size).toBe(liveWithVector(restarted.state));
    const user = events[events.length - 1]!.user;
    const top = neighbours(restarted.state, user, 1)[0]!;
    expect(indexedScore(restarted.state, user, top)).toBeCloseTo(exactScore(restarted.state, user, top), 4);
    await restarted.close();
  });
});
