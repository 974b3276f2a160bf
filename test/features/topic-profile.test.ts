/**
 * The topic profile weighs what a user enjoyed against what they rejected: likes and finished plays survive any run
 * of skips, and skips (weighted by how little was watched) and "not interested" lower the standing of what they carry.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { AcceptedEvent, EventType } from '../../src/core/schemas.js';
import { NOT_INTERESTED_WEIGHT, rejectionWeight } from '../../src/features/negative-engagement.js';
import { OnlineState } from '../../src/features/online-state.js';
import { REJECTIONS_PER_USER, RecentRejections } from '../../src/features/recent-rejections.js';
import { hashtagStanding, soundStanding, topicProfile } from '../../src/features/topic-profile.js';
import { RECENT_EVENTS_PER_USER } from '../../src/features/user-state.js';

const T0 = 1_790_000_000_000;
const DURATION = 10_000;

/** 200 videos: #liked (v0–v49, sound s-liked), #skipped (v50–v149), #other (v150–v199). */
function stateWithTopics(): OnlineState {
  const state = new OnlineState(DEFAULT_ALGORITHM, { learn: false });
  for (let i = 0; i < 200; i++) {
    const tag = i < 50 ? 'liked' : i < 150 ? 'skipped' : 'other';
    state.putVideo({
      id: `v${i}`,
      creator: `c${i % 13}`,
      durationMs: DURATION,
      caption: `video ${i}`,
      hashtags: [tag, 'fyp'],
      sound: `s-${tag}`,
      language: 'en',
      region: 'DE',
      createdAt: T0 - 86_400_000,
      status: 'live',
    });
  }
  return state;
}

let n = 0;
function event(type: EventType, video: number, watchMs: number | null = null): AcceptedEvent {
  return { id: `e${++n}`, user: 'u', video: `v${video}`, creator: null, type, ts: T0 + n, watchMs };
}

describe('rejectionWeight', () => {
  it('weighs a skip by how little was watched, and "not interested" or a report as several quick skips', () => {
    expect(rejectionWeight('skip', 0)).toBe(1);
    expect(rejectionWeight('skip', NaN)).toBe(1);
    expect(rejectionWeight('skip', 0.4)).toBeCloseTo(0.5);
    expect(rejectionWeight('skip', 0.95)).toBe(0);
    expect(rejectionWeight('not_interested', NaN)).toBe(NOT_INTERESTED_WEIGHT);
    expect(rejectionWeight('report', NaN)).toBe(NOT_INTERESTED_WEIGHT);
    for (const type of ['play', 'like', 'impression', 'share'] as const) expect(rejectionWeight(type, 0.1)).toBe(0);
  });
});

describe('RecentRejections', () => {
  it(`keeps the latest ${REJECTIONS_PER_USER} with their weights, to a fifth of a quick skip`, () => {
    const ring = new RecentRejections();
    expect(ring.add(5, 0)).toBe(false); // weighs nothing: not kept
    expect(ring.size).toBe(0);
    for (let i = 0; i < REJECTIONS_PER_USER + 3; i++) ring.add(1_000_000 + i, 1);
    expect(ring.size).toBe(REJECTIONS_PER_USER);
    const kept = () => Array.from({ length: ring.size }, (_, i) => ({ vidx: ring.vidxAt(i), weight: ring.weightAt(i) }));
    // Equally strong: the oldest went first.
    expect(kept().map((k) => k.vidx)).toEqual(Array.from({ length: REJECTIONS_PER_USER }, (_, i) => 1_000_003 + i));
    expect(ring.add(7, NOT_INTERESTED_WEIGHT)).toBe(true);
    expect(kept().at(-1)).toEqual({ vidx: 7, weight: NOT_INTERESTED_WEIGHT });
    expect(kept()[0]!.vidx).toBe(1_000_004);
    expect(ring.add(8, 0.55)).toBe(false); // lighter than every one kept in the full list
    ring.clear();
    expect(ring.size).toBe(0);
    ring.add(8, 0.55);
    expect(ring.weightAt(0)).toBeCloseTo(0.6);
  });

  it('lets a run of weaker rejections replace only each other, not the stronger ones before them', () => {
    const ring = new RecentRejections();
    for (let i = 0; i < 10; i++) ring.add(i, 1); // quick skips
    for (let i = 0; i < 3 * REJECTIONS_PER_USER; i++) ring.add(100 + i, 0.6); // then glances
    const strong = Array.from({ length: ring.size }, (_, i) => ring.vidxAt(i)).filter((vidx) => vidx < 10);
    expect(strong).toEqual([...Array(10).keys()]);
    expect(ring.add(999, 0.2)).toBe(false); // lighter than everything kept
    // A new quick skip replaces the oldest entry no heavier than it: here the oldest quick skip.
    ring.add(1_000, 1);
    expect(ring.vidxAt(0)).toBe(1);
    expect(ring.vidxAt(ring.size - 1)).toBe(1_000);
  });
});

describe('the topic profile', () => {
  it('keeps what the user liked through any run of skips', () => {
    const state = stateWithTopics();
    for (let i = 0; i < 4; i++) {
      state.applyEvent(event('play', i, DURATION));
      state.applyEvent(event('like', i));
    }
    // Far more skips than engagements are kept: in one ring with the likes, they pushed the likes out.
    for (let i = 0; i < 3 * RECENT_EVENTS_PER_USER; i++) state.applyEvent(event('skip', 150 + (i % 50), 500));
    const profile = topicProfile(state, state.users.get('u')!);
    expect(profile.positives).toBe(8);
    expect(profile.counts.get('liked')).toBe(8);
    expect(hashtagStanding(profile, 'liked')).toBe(8);
    expect(soundStanding(profile, 's-liked')).toBe(8);
    expect(hashtagStanding(profile, 'other')).toBeLessThan(-REJECTIONS_PER_USER * 0.9);
  });

  it('lowers the standing of what the user skips, by how little they watched, and more for "not interested"', () => {
    const state = stateWithTopics();
    state.applyEvent(event('play', 50, DURATION));
    const user = state.users.get('u')!;
    const liked = topicProfile(state, user);
    expect(hashtagStanding(liked, 'skipped')).toBe(1);
    state.applyEvent(event('skip', 51, 200)); // a quick skip: 2 % watched
    state.applyEvent(event('skip', 52, 6_000)); // left late: 60 % watched, hardly a rejection
    const skipped = topicProfile(state, user);
    // 1 − 0.975 − 0.25, the weights kept to a fifth: 1 − 1 − 0.2.
    expect(hashtagStanding(skipped, 'skipped')).toBeCloseTo(-0.2, 5);
    state.applyEvent(event('not_interested', 53));
    expect(hashtagStanding(topicProfile(state, user), 'skipped')).toBeCloseTo(-0.2 - NOT_INTERESTED_WEIGHT, 5);
    // A play that was not finished is neither: it changes nothing.
    state.applyEvent(event('play', 54, 4_000));
    expect(hashtagStanding(topicProfile(state, user), 'skipped')).toBeCloseTo(-0.2 - NOT_INTERESTED_WEIGHT, 5);
    // Untouched topics stand at 0.
    expect(hashtagStanding(topicProfile(state, user), 'liked')).toBe(0);
  });

  it('forgets rejections with the rest when the user resets their profile', () => {
    const state = stateWithTopics();
    for (let i = 0; i < 5; i++) state.applyEvent(event('skip', 60 + i, 100));
    expect(hashtagStanding(topicProfile(state, state.users.get('u')!), 'skipped')).toBeLessThan(-4);
    state.resetProfile('u');
    const profile = topicProfile(state, state.users.get('u')!);
    expect(profile.rejected.size).toBe(0);
    expect(hashtagStanding(profile, 'skipped')).toBe(0);
  });
});

describe('the cache of topic profiles', () => {
  it("is bounded, and a profile recomputed for another user never carries the first user's topics", async () => {
    const { RankerFeatures } = await import('../../src/features/ranker-features.js');
    const state = stateWithTopics();
    const like = (user: string, video: number): AcceptedEvent => ({ id: `e${++n}`, user, video: `v${video}`, creator: null, type: 'like', ts: T0 + n, watchMs: null });
    state.applyEvent(like('fan', 1));
    const features = new RankerFeatures();
    features.begin(state, state.users.get('fan')!);
    expect(features.topicMatch(2)).toBe(1); // #liked
    expect(features.topicMatch(160)).toBe(1); // #other and #fyp: the one like carries #fyp
    // Thousands of other users, each liking one #other video: the fan's profile is evicted and its maps reused.
    for (let u = 0; u < 9000; u++) {
      state.applyEvent(like(`other-${u}`, 150 + (u % 50)));
      topicProfile(state, state.users.get(`other-${u}`)!);
    }
    const last = state.users.get('other-8999')!;
    features.begin(state, last);
    expect(features.topicMatch(2)).toBe(1); // #fyp, never #liked's count
    expect(hashtagStanding(topicProfile(state, last), 'liked')).toBe(0);
    features.begin(state, state.users.get('fan')!);
    expect(hashtagStanding(topicProfile(state, state.users.get('fan')!), 'liked')).toBe(1);
    expect(hashtagStanding(topicProfile(state, state.users.get('fan')!), 'other')).toBe(0);
  });
});

describe('topicMatchFor, the learner’s topic match read off the rings', () => {
  it('equals the feed’s topic match through the profile, to the bit, over random histories', async () => {
    const { RankerFeatures } = await import('../../src/features/ranker-features.js');
    const { topicMatchFor } = await import('../../src/features/topic-profile.js');
    const state = new OnlineState(DEFAULT_ALGORITHM, { learn: false });
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
    const tags = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (let i = 0; i < 60; i++) {
      // Zero to four hashtags, repeats included.
      const hashtags = Array.from({ length: Math.floor(random() * 5) }, () => tags[Math.floor(random() * tags.length)]!);
      state.putVideo({ id: `v${i}`, creator: `c${i % 7}`, durationMs: DURATION, caption: '', hashtags, sound: `s${i % 3}`, language: 'en', region: 'DE' });
    }
    const types: EventType[] = ['play', 'play', 'skip', 'like', 'not_interested', 'impression', 'share'];
    const features = new RankerFeatures();
    let compared = 0;
    for (let n = 0; n < 4000; n++) {
      const user = `u${Math.floor(random() * 5)}`;
      const type = types[Math.floor(random() * types.length)]!;
      const watchMs = type === 'play' || type === 'skip' ? Math.floor(random() * 1.5 * DURATION) : null;
      state.applyEvent({ id: `e${n}`, user, video: `v${Math.floor(random() * 60)}`, creator: null, type, ts: T0 + n, watchMs });
      if (n % 10 !== 0) continue;
      const userState = state.users.get(user)!;
      features.begin(state, userState);
      for (let vidx = 0; vidx < 60; vidx++) {
        expect(topicMatchFor(state, userState, vidx)).toBe(features.topicMatch(vidx));
        compared++;
      }
    }
    expect(compared).toBe(24_000);
  });
});
