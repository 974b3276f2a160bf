/**
 * Adaptation that lasts, through the real personalised pipeline: what a user liked keeps shaping their pages however
 * long they then scroll past other things, and a topic they keep skipping fades, even one they picked at sign-up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { EventType } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';
import type { UserState } from '../../src/features/user-state.js';
import { FeedPipeline, PERSONALIZED, SOURCE_NAMES } from '../../src/pipeline/feed-pipeline.js';
import type { FeedRequest } from '../../src/pipeline/stages.js';
import { createWorld, generateEvents, type World } from '../../src/sim/index.js';

const NOW = Date.UTC(2025, 5, 1);
const bit = (name: string) => 1 << SOURCE_NAMES.indexOf(name);

let world: World;
let state: OnlineState;

beforeAll(() => {
  world = createWorld({ users: 1_000, videos: 4_000, seed: 11, now: NOW });
  state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 60_000), DEFAULT_ALGORITHM);
});

function topicOf(vidx: number): string {
  return world.topics[world.latent.videoTopic[world.videoIndexById.get(state.catalog.video(vidx).id)!]!]!.name;
}

/** Live videos of a topic, most played first (so they have co-engagement and trending to start from). */
function videosOf(topic: string): number[] {
  const found: number[] = [];
  for (let vidx = 0; vidx < state.catalog.size; vidx++) {
    if (state.catalog.video(vidx).status === 'live' && topicOf(vidx) === topic) found.push(vidx);
  }
  return found.sort((a, b) => state.engagement.plays(b) - state.engagement.plays(a));
}

function newUser(id: string, interests: string[]): UserState {
  return state.putUser({ id, region: 'US', createdAt: NOW - 86_400_000, interests, settings: { personalized: true, minor: false } });
}

let n = 0;
function act(user: UserState, vidx: number, type: EventType, watchShare?: number): void {
  const video = state.catalog.video(vidx);
  const watchMs = watchShare === undefined ? null : Math.round(watchShare * video.durationMs);
  state.applyEvent({ id: `a${++n}`, user: user.profile.id, video: video.id, creator: null, type, ts: NOW - 600_000 + n, watchMs });
}

/** What the pipeline proposes and serves the user now (nothing is recorded as served). */
function feed(user: UserState): { page: number[]; proposedBy: (source: string) => number[] } {
  const request: FeedRequest = { user, mode: 'personalized', n: 10, now: NOW, state, algorithm: DEFAULT_ALGORITHM };
  const { candidates, page } = new FeedPipeline().run(PERSONALIZED, request);
  const proposed = Array.from({ length: candidates.size }, (_, slot) => ({ vidx: candidates.vidx[slot]!, mask: candidates.sourceMask[slot]! }));
  return {
    page: page.map((slot) => candidates.vidx[slot]!),
    proposedBy: (source) => proposed.filter((c) => (c.mask & bit(source)) !== 0).map((c) => c.vidx),
  };
}

const topics = () => world.topics.map((t) => t.name).filter((name) => videosOf(name).length >= 100);

describe('adaptation through the pipeline', () => {
  it('likes and finished plays keep shaping the pages through a long run of skips', () => {
    // The topic with the fewest videos (of those with enough to fill pages), so that matching it by chance is rare.
    const topic = topics().sort((a, b) => videosOf(a).length - videosOf(b).length)[0]!;
    const user = newUser('keeps-liking', []);
    for (const vidx of videosOf(topic).slice(0, 6)) {
      act(user, vidx, 'impression');
      act(user, vidx, 'like');
      act(user, vidx, 'play', 1.2);
    }
    const onTopic = (vidxs: number[]) => vidxs.filter((v) => topicOf(v) === topic).length;
    const right = feed(user);
    // Then the user scrolls past 200 videos of everything else, leaving each at once.
    const others = [...Array(state.catalog.size).keys()].filter((v) => topicOf(v) !== topic).slice(0, 200);
    for (const vidx of others) {
      act(user, vidx, 'impression');
      act(user, vidx, 'skip', 0.05);
    }
    const later = feed(user);
    expect(later.proposedBy('topic').length).toBeGreaterThanOrEqual(50);
    expect(onTopic(later.proposedBy('topic')) / later.proposedBy('topic').length).toBeGreaterThan(0.6);
    // The page may lose a little to the skips (two of ten since repeats of the same event no longer move shared
    // statistics: the world's aggregates and model differ slightly), never the topic.
    expect(onTopic(later.page)).toBeGreaterThanOrEqual(Math.max(2, onTopic(right.page) - 2));
  });

  it('a picked interest the user keeps skipping fades from the onboarding source and the page', () => {
    const [skipped, kept] = topics().sort((a, b) => videosOf(b).length - videosOf(a).length);
    const user = newUser('keeps-skipping', [skipped!, kept!]);
    const carries = (tag: string) => (vidx: number) => state.catalog.video(vidx).hashtags.includes(tag);
    const first = feed(user);
    expect(first.proposedBy('onboarding').filter(carries(skipped!)).length).toBeGreaterThan(10);
    expect(first.page.filter((v) => topicOf(v) === skipped).length).toBeGreaterThanOrEqual(2);

    // Eleven quick skips of videos tagged with the interest (the outside check's number), nothing liked.
    for (const vidx of videosOf(skipped!).filter(carries(skipped!)).slice(0, 11)) {
      act(user, vidx, 'impression');
      act(user, vidx, 'skip', 0.05);
    }
    const later = feed(user);
    expect(later.proposedBy('onboarding').filter(carries(skipped!))).toEqual([]);
    expect(later.proposedBy('onboarding').filter(carries(kept!)).length).toBeGreaterThan(10);
    expect(later.page.filter((v) => topicOf(v) === skipped).length).toBeLessThan(first.page.filter((v) => topicOf(v) === skipped).length);
  });
});
