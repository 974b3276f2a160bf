import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../../src/core/algorithm.js';
import { labelEvent, newLabelBuffers } from '../../../src/models/online/event-labels.js';
import { HEAD_COUNT, HEADS } from '../../../src/models/online/heads.js';
import { MultiTaskRanker } from '../../../src/models/online/multi-task-ranker.js';
import { RankerInput } from '../../../src/models/online/ranker-input.js';

const DIM = 8;
const WEIGHTS = Float64Array.from({ length: HEAD_COUNT }, (_, k) => DEFAULT_ALGORITHM.valueWeights[HEADS[k]!]);

function trained(): MultiTaskRanker {
  const ranker = new MultiTaskRanker({ dim: DIM, learningRate: 0.1, l2: 0, minOccurrences: 2, ttlMs: 1e12, seed: 5 });
  const { labels, mask } = newLabelBuffers();
  const input = new RankerInput();
  for (let round = 0; round < 400; round++) {
    const cats = round % 2 === 0;
    input.user = 'ann';
    input.video = `${cats ? 'cat' : 'car'}${round % 10}`;
    input.creator = `${cats ? 'cat' : 'car'}-creator${round % 3}`;
    input.sound = `${cats ? 'cat' : 'car'}-sound`;
    input.hashtags = cats ? ['cats', 'pets'] : ['cars'];
    labelEvent(cats ? 'play' : 'skip', cats ? 1 : 0.05, labels, mask);
    ranker.learn(input, labels, mask, round);
  }
  return ranker;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * b[j]!;
  return sum;
}

describe('MultiTaskRanker retrieval vectors', () => {
  it('writes the item vector v + c + s + mean(h), and c + s + mean(h) for a video without its own vector', () => {
    const ranker = trained();
    const { videos, creators, sounds, hashtags } = ranker.tables;
    const part = (table: typeof videos, id: string) => table.vectors.subarray(table.slotOf(id) * DIM, (table.slotOf(id) + 1) * DIM);
    const out = new Float32Array(DIM + 3).fill(9);
    expect(ranker.itemVector('cat0', 'cat-creator0', 'cat-sound', ['cats', 'pets'], out, 3)).toBe(true);
    expect(out.subarray(0, 3)).toEqual(new Float32Array(3).fill(9));
    for (let j = 0; j < DIM; j++) {
      const expected =
        part(videos, 'cat0')[j]! + part(creators, 'cat-creator0')[j]! + part(sounds, 'cat-sound')[j]! +
        (part(hashtags, 'cats')[j]! + part(hashtags, 'pets')[j]!) / 2;
      expect(out[3 + j]).toBeCloseTo(expected, 5);
    }
    // A new upload: no vector of its own, an unknown hashtag (ignored, not averaged in as zero).
    expect(ranker.itemVector('cat-new', 'cat-creator1', 'cat-sound', ['cats', 'unheard-of'], out, 0)).toBe(true);
    for (let j = 0; j < DIM; j++) {
      expect(out[j]).toBeCloseTo(part(creators, 'cat-creator1')[j]! + part(sounds, 'cat-sound')[j]! + part(hashtags, 'cats')[j]!, 5);
    }
    // Nothing known at all: a zero vector, reported as such.
    expect(ranker.itemVector('x', 'nobody', undefined, [], out, 0)).toBe(false);
    expect(Array.from(out.subarray(0, DIM))).toEqual(new Array(DIM).fill(0));
  });

  it('writes a user query that ranks what the user finishes above what they skip, and none for unknown users', () => {
    const ranker = trained();
    const query = new Float32Array(DIM);
    expect(ranker.userQuery('stranger', WEIGHTS, query)).toBe(false);
    expect(ranker.userQuery('ann', WEIGHTS, query)).toBe(true);
    const cat = new Float32Array(DIM);
    const car = new Float32Array(DIM);
    ranker.itemVector('cat-new', 'cat-creator2', 'cat-sound', ['cats'], cat);
    ranker.itemVector('car-new', 'car-creator2', 'car-sound', ['cars'], car);
    expect(dot(query, cat)).toBeGreaterThan(dot(query, car));
    // Only the value weights' direction matters for the order; all-zero weights give a zero query.
    expect(ranker.userQuery('ann', new Float64Array(HEAD_COUNT), query)).toBe(true);
    expect(query.every((x) => x === 0)).toBe(true);
  });
});
