import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../../src/core/algorithm.js';
import { OnlineState } from '../../../src/features/online-state.js';
import { serialize } from 'node:v8';
import { decodeRanker, encodeRankerBytes } from '../../../src/models/online/ranker-codec.js';
import { RetrievalTower, type RetrievalItem } from '../../../src/models/online/retrieval-tower.js';
import { createWorld, expectedWatchRatio, generateEvents } from '../../../src/sim/index.js';

const DIM = 8;
const WIDTH = DIM + 1;

function item(id: string, topic: 'cat' | 'car', creator = 0): RetrievalItem {
  return { id, creator: `${topic}-creator${creator}`, sound: `${topic}-sound`, hashtags: topic === 'cat' ? ['cats', 'pets'] : ['cars'] };
}

/** Ann engages with cat videos only; Bob with car videos only; negatives are drawn from both. */
function trained(): RetrievalTower {
  const tower = new RetrievalTower({ dim: DIM, temperature: 0.1, negatives: 8, learningRate: 0.3, l2: 0, minOccurrences: 2, ttlMs: 1e12, seed: 5 });
  const catalogue = Array.from({ length: 40 }, (_, i) => item(`${i % 2 === 0 ? 'cat' : 'car'}${i}`, i % 2 === 0 ? 'cat' : 'car', i % 3));
  const negative = (r: number) => catalogue[Math.floor(r * catalogue.length)];
  for (let round = 0; round < 600; round++) {
    const cats = round % 2 === 0;
    const video = catalogue[(round * 7) % 20 * 2 + (cats ? 0 : 1)]!;
    expect(tower.learnPositive(cats ? 'ann' : 'bob', video, round, negative)).toBe(true);
  }
  return tower;
}

function cosine(tower: RetrievalTower, user: string, video: RetrievalItem): number {
  const query = new Float32Array(DIM);
  const vector = new Float32Array(DIM);
  expect(tower.userQuery(user, query)).toBe(true);
  expect(tower.itemVector(video, vector)).toBe(true);
  let sum = 0;
  for (let j = 0; j < DIM; j++) sum += query[j]! * vector[j]!;
  return sum;
}

describe('RetrievalTower', () => {
  it('writes unit item vectors of v + c + s + mean(h), placing a new video by its creator, sound and hashtags', () => {
    const tower = trained();
    const { videos, creators, sounds, hashtags } = tower.tables;
    const part = (table: typeof videos, id: string) => table.vectors.subarray(table.slotOf(id) * WIDTH, table.slotOf(id) * WIDTH + DIM);
    const out = new Float32Array(DIM + 3).fill(9);
    const known = item('cat0', 'cat', 0);
    expect(tower.itemVector(known, out, 3)).toBe(true);
    expect(out.subarray(0, 3)).toEqual(new Float32Array(3).fill(9));
    const sum = Float32Array.from({ length: DIM }, (_, j) =>
      part(videos, 'cat0')[j]! + part(creators, 'cat-creator0')[j]! + part(sounds, 'cat-sound')[j]! + (part(hashtags, 'cats')[j]! + part(hashtags, 'pets')[j]!) / 2);
    const norm = Math.hypot(...sum);
    for (let j = 0; j < DIM; j++) expect(out[3 + j]).toBeCloseTo(sum[j]! / norm, 5);
    expect(Math.hypot(...out.subarray(3))).toBeCloseTo(1, 5);
    // Nothing known at all: no vector, reported as such.
    expect(tower.itemVector({ id: 'x', creator: 'nobody', hashtags: [] }, out, 0)).toBe(false);
  });

  it("ranks each user's topic above the other, for known videos and for new uploads of known creators", () => {
    const tower = trained();
    expect(tower.userQuery('stranger', new Float32Array(DIM))).toBe(false);
    expect(cosine(tower, 'ann', item('cat-new', 'cat', 1))).toBeGreaterThan(cosine(tower, 'ann', item('car-new', 'car', 1)) + 0.5);
    expect(cosine(tower, 'bob', item('car2', 'car', 2))).toBeGreaterThan(cosine(tower, 'bob', item('cat2', 'cat', 2)) + 0.5);
  });

  it('learns biases: videos engaged with more often score higher, hashtags carry none', () => {
    const tower = trained();
    // Every catalogue video is drawn as a negative alike, but only some were positives: those rise.
    expect(tower.itemBias(item('cat0', 'cat', 0))).toBeGreaterThan(tower.itemBias({ id: 'cat-never', creator: 'nobody', hashtags: [] }));
    const hashtags = tower.tables.hashtags;
    const row = hashtags.slotOf('cats') * WIDTH;
    const before = hashtags.vectors.slice(row, row + WIDTH);
    // A new user's first positive: their random vector is far from saturating the softmax, so the step is real.
    tower.learnPositive('carol', item('cat4', 'cat', 1), 1000, () => item('car5', 'car', 2));
    const after = hashtags.vectors.slice(row, row + WIDTH);
    expect(after.subarray(0, DIM)).not.toEqual(before.subarray(0, DIM));
    expect(after[DIM]).toBe(before[DIM]);
  });

  it('forgets an erased user as viewer and creator, a reset viewer only as viewer', () => {
    const tower = trained();
    tower.forgetViewer('ann');
    expect(tower.userQuery('ann', new Float32Array(DIM))).toBe(false);
    expect(tower.tables.creators.slotOf('cat-creator0')).toBeGreaterThanOrEqual(0);
    tower.forgetUser('cat-creator0');
    expect(tower.tables.creators.slotOf('cat-creator0')).toBe(-1);
    expect(tower.userQuery('bob', new Float32Array(DIM))).toBe(true);
  });

  it('round-trips with the ranker through the snapshot codec, bit for bit', () => {
    const world = createWorld({ users: 80, videos: 600, seed: 2 });
    const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 4_000), DEFAULT_ALGORITHM);
    const tower = state.learner!.retrieval;
    expect(tower.updates).toBeGreaterThan(100);
    const restored = decodeRanker(encodeRankerBytes(state.learner!))!.retrieval;
    expect(restored.updates).toBe(tower.updates);
    for (const user of world.users.slice(0, 20)) {
      const a = new Float32Array(DIM);
      const b = new Float32Array(DIM);
      expect(restored.userQuery(user.id, b)).toBe(tower.userQuery(user.id, a));
      expect(b).toEqual(a);
    }
    for (const video of world.videos.slice(0, 50)) {
      const a = new Float32Array(DIM);
      const b = new Float32Array(DIM);
      expect(restored.itemVector(video, b)).toBe(tower.itemVector(video, a));
      expect(b).toEqual(a);
      expect(restored.itemBias(video)).toBe(tower.itemBias(video));
    }
  });

  it('still reads a snapshot of the previous format (one serialised object), and refuses a truncated one', () => {
    const world = createWorld({ users: 40, videos: 300, seed: 3 });
    const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 2_000), DEFAULT_ALGORITHM);
    const learner = state.learner!;
    const old = serialize({ format: 2, snapshot: learner.ranker.snapshot(), retrieval: learner.retrieval.snapshot() });
    const fromOld = decodeRanker(old)!;
    const fromNew = decodeRanker(encodeRankerBytes(learner))!;
    expect(fromOld.ranker.snapshot()).toEqual(learner.ranker.snapshot());
    expect(fromNew.ranker.snapshot()).toEqual(learner.ranker.snapshot());
    expect(fromNew.retrieval.snapshot()).toEqual(learner.retrieval.snapshot());
    const bytes = encodeRankerBytes(learner);
    expect(decodeRanker(bytes.subarray(0, bytes.byteLength - 10))).toBeUndefined();
  });


  it("learned from a simulated world, its top 50 are worth more to each user than the catalogue's average", () => {
    const world = createWorld({ users: 300, videos: 3_000, seed: 4 });
    const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 60_000), DEFAULT_ALGORITHM);
    const tower = state.learner!.retrieval;
    const query = new Float32Array(DIM);
    const vector = new Float32Array(DIM);
    let top = 0;
    let average = 0;
    let users = 0;
    for (let u = 0; u < world.users.length; u += 3) {
      if (!tower.userQuery(world.users[u]!.id, query)) continue;
      const scored = world.videos.map((video, v) => {
        tower.itemVector(video, vector);
        let cosine = 0;
        for (let j = 0; j < DIM; j++) cosine += query[j]! * vector[j]!;
        return { v, score: cosine + tower.itemBias(video) };
      });
      scored.sort((a, b) => b.score - a.score);
      top += scored.slice(0, 50).reduce((sum, { v }) => sum + expectedWatchRatio(world, u, v), 0) / 50;
      average += world.videos.reduce((sum, _, v) => sum + expectedWatchRatio(world, u, v), 0) / world.videos.length;
      users++;
    }
    expect(users).toBeGreaterThan(50);
    expect(top / users).toBeGreaterThan((average / users) * 1.5);
  });
});
