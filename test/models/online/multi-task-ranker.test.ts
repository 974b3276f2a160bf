import { describe, expect, it } from 'vitest';
import { labelEvent, newLabelBuffers } from '../../../src/models/online/event-labels.js';
import { HEAD_COUNT, HEAD_INDEX } from '../../../src/models/online/heads.js';
import { MultiTaskRanker } from '../../../src/models/online/multi-task-ranker.js';
import { RankerInput } from '../../../src/models/online/ranker-input.js';

function inputFor(user: string, video: string, creator: string, hashtags: string[]): RankerInput {
  const input = new RankerInput();
  input.user = user;
  input.video = video;
  input.creator = creator;
  input.hashtags = hashtags;
  return input;
}

describe('MultiTaskRanker', () => {
  it('learns that a user finishes and likes one topic and skips another', () => {
    const ranker = new MultiTaskRanker({ dim: 8, learningRate: 0.1, l2: 0, minOccurrences: 1, ttlMs: 1e12, seed: 3 });
    const { labels, mask } = newLabelBuffers();
    for (let round = 0; round < 300; round++) {
      const cat = inputFor('ann', `cat${round % 20}`, `catcreator${round % 3}`, ['cats']);
      labelEvent('play', 1.1, labels, mask);
      ranker.learn(cat, labels, mask, round);
      if (round % 2 === 0) {
        labelEvent('like', Number.NaN, labels, mask);
        ranker.learn(cat, labels, mask, round);
      }
      const car = inputFor('ann', `car${round % 20}`, `carcreator${round % 3}`, ['cars']);
      labelEvent('skip', 0.05, labels, mask);
      ranker.learn(car, labels, mask, round);
    }
    const out = new Float64Array(HEAD_COUNT);
    // Unseen videos: scored through creator and hashtag vectors (the fallback below the frequency filter).
    ranker.predict(inputFor('ann', 'cat-new', 'catcreator1', ['cats']), out);
    const cat = Float64Array.from(out);
    ranker.predict(inputFor('ann', 'car-new', 'carcreator1', ['cars']), out);
    const car = Float64Array.from(out);
    expect(cat[HEAD_INDEX.finish]!).toBeGreaterThan(0.8);
    expect(car[HEAD_INDEX.finish]!).toBeLessThan(0.2);
    expect(car[HEAD_INDEX.skip]!).toBeGreaterThan(0.8);
    expect(cat[HEAD_INDEX.like]!).toBeGreaterThan(car[HEAD_INDEX.like]! + 0.2);
    expect(cat[HEAD_INDEX.watchRatio]!).toBeGreaterThan(car[HEAD_INDEX.watchRatio]! + 0.5);
  });

  it('gives identical scores after a snapshot is restored', () => {
    const ranker = new MultiTaskRanker();
    const { labels, mask } = newLabelBuffers();
    for (let i = 0; i < 500; i++) {
      labelEvent(i % 3 === 0 ? 'skip' : 'play', (i % 7) / 5, labels, mask);
      ranker.learn(inputFor(`u${i % 13}`, `v${i % 29}`, `c${i % 5}`, [`t${i % 4}`]), labels, mask, i);
    }
    const restored = MultiTaskRanker.restore(structuredClone(ranker.snapshot()));
    const a = new Float64Array(HEAD_COUNT);
    const b = new Float64Array(HEAD_COUNT);
    for (let i = 0; i < 50; i++) {
      const input = inputFor(`u${i % 13}`, `v${(i * 3) % 29}`, `c${i % 5}`, [`t${i % 4}`]);
      ranker.predict(input, a);
      restored.predict(input, b);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });

  it('frees the vectors of ids unseen for the expiry time', () => {
    const ranker = new MultiTaskRanker({ dim: 4, learningRate: 0.05, l2: 0, minOccurrences: 1, ttlMs: 1000, seed: 1 });
    const { labels, mask } = newLabelBuffers();
    labelEvent('play', 1, labels, mask);
    ranker.learn(inputFor('old-user', 'old-video', 'c', []), labels, mask, 0);
    ranker.learn(inputFor('new-user', 'new-video', 'c', []), labels, mask, 5000);
    const expired = ranker.expire(5500);
    expect(expired.users).toBe(1);
    expect(expired.videos).toBe(1);
    expect(ranker.tables.users.slotOf('old-user')).toBe(-1);
    expect(ranker.tables.users.slotOf('new-user')).toBeGreaterThanOrEqual(0);
  });
});

describe('MultiTaskRanker.warmStart', () => {
  it('starts from a batch model: aligned user–item factors rank higher before any online learning', () => {
    const ranker = new MultiTaskRanker();
    const width = 32;
    const userVectors = new Float32Array(2 * width);
    const itemVectors = new Float32Array(4 * width);
    // user a and items 0, 1 share one direction; user b and items 2, 3 another
    for (let f = 0; f < 16; f++) {
      userVectors[f] = 1;
      itemVectors[0 * width + f] = 1;
      itemVectors[1 * width + f] = 0.8;
    }
    for (let f = 16; f < 32; f++) {
      userVectors[width + f] = 1;
      itemVectors[2 * width + f] = 1;
      itemVectors[3 * width + f] = 0.8;
    }
    const loaded = ranker.warmStart(
      { dim: width, userIds: ['a', 'b'], userVectors, itemIds: ['i0', 'i1', 'i2', 'i3'], itemVectors },
      0,
    );
    expect(loaded).toEqual({ users: 2, videos: 4 });
    const out = new Float64Array(HEAD_COUNT);
    const score = (user: string, item: string, head: number) => {
      ranker.predict(inputFor(user, item, 'c', []), out);
      return out[head]!;
    };
    for (const head of [HEAD_INDEX.like, HEAD_INDEX.finish]) {
      expect(score('a', 'i0', head)).toBeGreaterThan(score('a', 'i2', head));
      expect(score('a', 'i1', head)).toBeGreaterThan(score('a', 'i3', head));
      expect(score('b', 'i2', head)).toBeGreaterThan(score('b', 'i0', head));
    }
    expect(score('a', 'i0', HEAD_INDEX.skip)).toBeLessThan(score('a', 'i2', HEAD_INDEX.skip));
  });
});
