import { describe, expect, it } from 'vitest';
import { CatalogueWatchRatios } from '../../src/sim/ground-truth.js';
import {
  affinity,
  createWorld,
  expectedWatchRatio,
  generateEvents,
  groundTruth,
  groundTruthById,
  type World,
} from '../../src/sim/index.js';

const NOW = Date.UTC(2025, 0, 1);

describe('ground truth', () => {
  const world = createWorld({ users: 300, videos: 2000, seed: 31, now: NOW });
  const events = [...generateEvents(world, 200_000)];
  const indexes = (event: { user: string; video: string | null }) =>
    [world.userIndexById.get(event.user)!, world.videoIndexById.get(event.video!)!] as const;

  it('gives probabilities in [0, 1] and a positive expected watch ratio', () => {
    for (let u = 0; u < 50; u++) {
      for (let v = 0; v < 2000; v += 37) {
        const truth = groundTruth(world, u, v);
        for (const key of ['affinity', 'pSkip', 'pPlay', 'pFinish', 'pLike', 'pShare', 'pComment', 'pFollow', 'pNotInterested'] as const) {
          expect(truth[key]).toBeGreaterThanOrEqual(0);
          expect(truth[key]).toBeLessThanOrEqual(1);
        }
        expect(truth.pSkip + truth.pPlay).toBeCloseTo(1, 10);
        expect(truth.expectedWatchRatio).toBeGreaterThan(0);
      }
    }
    expect(groundTruthById(world, world.users[3]!.id, world.videos[5]!.id)).toEqual(groundTruth(world, 3, 5));
    expect(groundTruthById(world, 'nobody', world.videos[5]!.id)).toBeUndefined();
  });

  it("rises with the user's affinity to the video's topic", () => {
    // Same video, users who love its topic against users who do not care for it.
    let higher = 0;
    let pairs = 0;
    for (let v = 0; v < 200; v++) {
      let fan = -1;
      let stranger = -1;
      for (let u = 0; u < world.users.length && (fan < 0 || stranger < 0); u++) {
        const a = affinity(world, u, v);
        const sameLanguage = world.latent.userLanguage[u] === world.latent.videoLanguage[v];
        if (a === 1 && sameLanguage && fan < 0) fan = u;
        if (a < 0.01 && sameLanguage && stranger < 0) stranger = u;
      }
      if (fan < 0 || stranger < 0) continue;
      pairs++;
      const fanTruth = groundTruth(world, fan, v);
      const strangerTruth = groundTruth(world, stranger, v);
      if (
        fanTruth.expectedWatchRatio > strangerTruth.expectedWatchRatio &&
        fanTruth.pLike > strangerTruth.pLike &&
        fanTruth.pSkip < strangerTruth.pSkip &&
        fanTruth.pNotInterested < strangerTruth.pNotInterested
      ) {
        higher++;
      }
    }
    expect(pairs).toBeGreaterThan(50);
    expect(higher).toBe(pairs);
  });

  it('shows in the log: high-affinity videos are watched longer and liked more', () => {
    const watch = { high: [0, 0], low: [0, 0] };
    const likes = { high: [0, 0], low: [0, 0] };
    let impression: readonly [number, number] | undefined;
    for (const event of events) {
      const [u, v] = indexes(event);
      const band = affinity(world, u, v) >= 0.8 ? 'high' : affinity(world, u, v) < 0.1 ? 'low' : undefined;
      if (event.type === 'impression') impression = [u, v];
      if (!band) continue;
      if (event.type === 'play' || event.type === 'skip') {
        watch[band][0] += event.watchMs! / world.videos[v]!.durationMs;
        watch[band][1]++;
      }
      if (event.type === 'impression') likes[band][1]++;
      if (event.type === 'like') likes[band][0]++;
    }
    expect(impression).toBeDefined();
    const meanWatch = (band: 'high' | 'low') => watch[band][0] / watch[band][1];
    const likeRate = (band: 'high' | 'low') => likes[band][0] / likes[band][1];
    expect(watch.low[1]).toBeGreaterThan(1000);
    expect(meanWatch('high')).toBeGreaterThan(1.5 * meanWatch('low'));
    expect(likeRate('high')).toBeGreaterThan(2 * likeRate('low'));
  });

  it("skews each user's activity towards their interests", () => {
    // Share of impressions on the user's favourite topic, and of likes: both well above the 1/24 of a random feed,
    // and likes more so than impressions, since the user (not only the feed) prefers them.
    let favouriteImpressions = 0;
    let impressions = 0;
    let favouriteLikes = 0;
    let likes = 0;
    for (const event of events) {
      const [u, v] = indexes(event);
      const favourite = affinity(world, u, v) === 1;
      if (event.type === 'impression') {
        impressions++;
        if (favourite) favouriteImpressions++;
      } else if (event.type === 'like') {
        likes++;
        if (favourite) favouriteLikes++;
      }
    }
    expect(favouriteImpressions / impressions).toBeGreaterThan(3 / 24);
    expect(favouriteLikes / likes).toBeGreaterThan(favouriteImpressions / impressions + 0.05);
  });

  it('is what the log is sampled from: observed rates match the expected ones', () => {
    const expected = { watch: 0, finish: 0, like: 0, skip: 0, share: 0 };
    const observed = { watch: 0, finish: 0, like: 0, skip: 0, share: 0 };
    let impressions = 0;
    let current: ReturnType<typeof groundTruth> | undefined;
    for (const event of events) {
      const [u, v] = indexes(event);
      if (event.type === 'impression') {
        current = groundTruth(world, u, v);
        impressions++;
        expected.watch += current.expectedWatchRatio;
        expected.finish += current.pFinish;
        expected.like += current.pLike;
        expected.skip += current.pSkip;
        expected.share += current.pShare;
      } else if (event.type === 'play' || event.type === 'skip') {
        const ratio = event.watchMs! / world.videos[v]!.durationMs;
        observed.watch += ratio;
        if (ratio >= 1) observed.finish++;
        if (event.type === 'skip') observed.skip++;
      } else if (event.type === 'like') observed.like++;
      else if (event.type === 'share') observed.share++;
    }
    expect(current).toBeDefined();
    for (const key of ['watch', 'finish', 'like', 'skip'] as const) {
      expect(observed[key] / expected[key], key).toBeGreaterThan(0.95);
      expect(observed[key] / expected[key], key).toBeLessThan(1.05);
    }
    // Shares are rare: a looser bound.
    expect(observed.share / expected.share).toBeGreaterThan(0.8);
    expect(observed.share / expected.share).toBeLessThan(1.2);
    expect(impressions).toBeGreaterThan(50_000);
  });

  it('exposes each quantity as its own function too', () => {
    const w: World = world;
    expect(expectedWatchRatio(w, 1, 2)).toBe(groundTruth(w, 1, 2).expectedWatchRatio);
  });

  it('gives whole-catalogue oracles the same watch ratios, and a logit floor no video beats', () => {
    const catalogue = new CatalogueWatchRatios(world);
    const wrong = { ratio: 0, engagement: 0, floorAbove: 0, floorLoose: 0 };
    let pairs = 0;
    let shortest = 0;
    for (let u = 0; u < 300; u += 7) {
      const viewer = catalogue.viewer(u);
      for (let v = 0; v < 2000; v++) {
        const truth = groundTruth(world, u, v);
        const logit = viewer.logit(v);
        const ratio = viewer.watchRatio(v, logit);
        pairs++;
        // Identical, not close: an oracle built on it ranks exactly as groundTruth would.
        if (ratio !== truth.expectedWatchRatio) wrong.ratio++;
        if (1 / (1 + Math.exp(-logit)) !== truth.engagement) wrong.engagement++;
        // No video at or below the floor of its own ratio could have reached it.
        if (!(logit > catalogue.logitFloor(ratio))) wrong.floorAbove++;
        // And the floor is tight: the shortest videos (under 6.7 s) are the best case, reached one grid step up.
        if (world.videos[v]!.durationMs < 6_600) {
          shortest++;
          if (!(catalogue.logitFloor(ratio) > logit - 2 / 256)) wrong.floorLoose++;
        }
      }
    }
    expect(wrong).toEqual({ ratio: 0, engagement: 0, floorAbove: 0, floorLoose: 0 });
    expect(pairs).toBe(43 * 2000);
    expect(shortest).toBeGreaterThan(1000);
    expect(catalogue.logitFloor(0)).toBe(-Infinity);
  });
});
