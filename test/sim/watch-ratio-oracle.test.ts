import { describe, expect, it } from 'vitest';
import { createWorld, expectedWatchRatio, Random } from '../../src/sim/index.js';
import { WatchRatioOracle } from '../../src/sim/watch-ratio-oracle.js';

describe('WatchRatioOracle', () => {
  const world = createWorld({ users: 300, videos: 3_000, seed: 17 });
  const oracle = new WatchRatioOracle(world);

  /** Every allowed video ranked by expectedWatchRatio: what the oracle must reproduce. */
  const ranked = (user: number, excluded: Uint8Array) =>
    world.videos
      .flatMap((_, v) => (excluded[v] ? [] : [expectedWatchRatio(world, user, v)]))
      .sort((a, b) => b - a);

  it("gives each user's best expected watch ratios exactly, skipping the excluded videos", () => {
    const random = new Random(3);
    for (let user = 0; user < 300; user += 11) {
      // A different third of the catalogue excluded for each user, so the best are often among the excluded.
      const excluded = Uint8Array.from({ length: world.videos.length }, () => (random.chance(1 / 3) ? 1 + random.int(3) : 0));
      for (const k of [1, 20, 50]) {
        const out = new Float64Array(k);
        expect(oracle.best(user, excluded, out)).toBe(k);
        expect([...out]).toEqual(ranked(user, excluded).slice(0, k));
      }
    }
  });

  it('returns fewer when fewer videos are left', () => {
    const excluded = new Uint8Array(world.videos.length).fill(1);
    for (const v of [5, 900, 2_999]) excluded[v] = 0;
    const out = new Float64Array(20);
    expect(oracle.best(7, excluded, out)).toBe(3);
    expect([...out.subarray(0, 3)]).toEqual(ranked(7, excluded));
    expect(oracle.best(7, new Uint8Array(world.videos.length).fill(1), out)).toBe(0);
  });
});
