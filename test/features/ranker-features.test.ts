import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { OnlineState } from '../../src/features/online-state.js';
import { fillRankerInput, RankerFeatures } from '../../src/features/ranker-features.js';
import { HEAD_COUNT } from '../../src/models/online/heads.js';
import { DENSE_INDEX, RankerInput } from '../../src/models/online/ranker-input.js';
import { createWorld, generateEvents } from '../../src/sim/index.js';

describe('RankerFeatures (a request\'s candidates) against fillRankerInput (one pair)', () => {
  it('gives the same features and the same predictions for every user and video, with follows and topics in play', () => {
    const world = createWorld({ videos: 400, users: 60, seed: 11 });
    const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 20_000), DEFAULT_ALGORITHM);
    const ranker = state.learner!.ranker;
    const features = new RankerFeatures();
    const batch = new RankerInput();
    const single = new RankerInput();
    const batchPredictions = new Float64Array(HEAD_COUNT);
    const singlePredictions = new Float64Array(HEAD_COUNT);
    let followed = 0;
    let topical = 0;
    for (const profile of world.users) {
      const user = state.users.get(profile.id)!;
      features.begin(state, user);
      for (let vidx = 0; vidx < state.catalog.size; vidx++) {
        features.fill(vidx, world.now, batch);
        fillRankerInput(state, user, vidx, world.now, single);
        expect(Array.from(batch.dense), `${profile.id} × ${vidx}`).toEqual(Array.from(single.dense));
        followed += batch.dense[DENSE_INDEX.followsCreator]!;
        if (batch.dense[DENSE_INDEX.topicMatch]! > 0) topical++;
        ranker.predict(batch, batchPredictions);
        ranker.predict(single, singlePredictions);
        expect(Array.from(batchPredictions)).toEqual(Array.from(singlePredictions));
      }
    }
    // The cases that differ between the two paths were exercised.
    expect(followed).toBeGreaterThan(0);
    expect(topical).toBeGreaterThan(1000);
  });

  it('reads the string ids of a video only when the ranker has no cached slot for it', () => {
    const world = createWorld({ videos: 50, users: 10, seed: 3 });
    const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 3_000), DEFAULT_ALGORITHM);
    const ranker = state.learner!.ranker;
    const features = new RankerFeatures();
    const input = new RankerInput();
    const out = new Float64Array(HEAD_COUNT);
    features.begin(state, state.users.get(world.users[0]!.id)!);
    features.fill(7, world.now, input);
    expect(input.pendingIds).toBe(features);
    ranker.predict(input, out);
    // First sight of the video: its ids were read to find the slots.
    expect(input.pendingIds).toBeUndefined();
    expect(input.video).toBe(world.videos[7]!.id);
    input.video = 'stale';
    features.fill(7, world.now, input);
    ranker.predict(input, out);
    // Cached: the ids were not needed.
    expect(input.pendingIds).toBe(features);
    expect(input.video).toBe('stale');
  });

  it('remembers that a video has no slot, and predicts through the slot learning gives it later', () => {
    const world = createWorld({ videos: 50, users: 10, seed: 5 });
    const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 3_000), DEFAULT_ALGORITHM);
    const ranker = state.learner!.ranker;
    const video = { ...world.videos[0]!, id: 'brand-new', createdAt: world.now };
    state.putVideo(video);
    const vidx = state.catalog.vidx('brand-new')!;
    const user = state.users.get(world.users[0]!.id)!;
    const features = new RankerFeatures();
    const cached = new RankerInput();
    const single = new RankerInput();
    const cachedOut = new Float64Array(HEAD_COUNT);
    const singleOut = new Float64Array(HEAD_COUNT);
    const samePredictions = () => {
      features.begin(state, user);
      features.fill(vidx, world.now, cached);
      ranker.predict(cached, cachedOut);
      fillRankerInput(state, user, vidx, world.now, single);
      // The reference looks every id up: no item key, so no slot cache.
      single.itemKey = -1;
      ranker.predict(single, singleOut);
      expect(Array.from(cachedOut)).toEqual(Array.from(singleOut));
    };
    expect(ranker.tables.videos.slotOf('brand-new')).toBe(-1);
    samePredictions();
    // Known to have no slot: the ids are not read again.
    features.fill(vidx, world.now, cached);
    ranker.predict(cached, cachedOut);
    expect(cached.pendingIds).toBe(features);
    // Played by enough users to pass the frequency filter: learning gives it a slot and a vector of its own.
    for (let i = 0; i < 6; i++) {
      const viewer = world.users[i]!.id;
      state.applyEvent({ id: `e${i}`, user: viewer, video: 'brand-new', creator: null, type: 'play', ts: world.now, watchMs: video.durationMs });
    }
    expect(ranker.tables.videos.slotOf('brand-new')).toBeGreaterThanOrEqual(0);
    const before = Array.from(cachedOut);
    samePredictions();
    expect(Array.from(cachedOut)).not.toEqual(before);
  });
});
