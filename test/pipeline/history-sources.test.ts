import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { OnlineState } from '../../src/features/online-state.js';
import type { UserState } from '../../src/features/user-state.js';
import { FeedPipeline, NON_PERSONALIZED, PERSONALIZED, SOURCE_NAMES } from '../../src/pipeline/feed-pipeline.js';
import type { FeedRequest } from '../../src/pipeline/stages.js';
import { createWorld, generateEvents, type World } from '../../src/sim/index.js';

const NOW = Date.UTC(2025, 5, 1);
const bit = (name: string) => SOURCE_NAMES.indexOf(name);

let world: World;
let state: OnlineState;

beforeAll(() => {
  world = createWorld({ users: 1_000, videos: 4_000, seed: 11, now: NOW });
  state = new OnlineState(DEFAULT_ALGORITHM);
  for (const video of world.videos) state.putVideo(video);
  for (const user of world.users) state.putUser(user);
  for (const event of generateEvents(world, 60_000)) state.applyEvent(event);
});

function request(user: UserState, mode: FeedRequest['mode'] = 'personalized'): FeedRequest {
  return { user, mode, n: 10, now: NOW, state, algorithm: DEFAULT_ALGORITHM };
}

/** The simulated topic of a catalogue video: the hidden truth the sources should find without being told. */
function topicOf(vidx: number): string {
  const id = state.catalog.video(vidx).id;
  return world.topics[world.latent.videoTopic[world.videoIndexById.get(id)!]!]!.name;
}

describe('history sources through the real pipeline', () => {
  it('a user who likes and finishes videos of one topic gets topic and co-engagement candidates of that topic', () => {
    // A topic with a small share of the catalogue, so that matching it by chance is unlikely
    const videosOf = (t: number) => world.videos.filter((_, i) => world.latent.videoTopic[i] === t);
    const t = world.topics
      .map((_, t) => t)
      .filter((t) => videosOf(t).length >= 100)
      .sort((a, b) => videosOf(a).length - videosOf(b).length)[0]!;
    const topic = world.topics[t]!.name;
    const liked = videosOf(t);
    const base = liked.length / world.videos.length;
    expect(base).toBeLessThan(0.08);
    const probe = state.putUser({ id: 'probe', region: 'US', createdAt: NOW - 86_400_000, interests: [], settings: { personalized: true, minor: false } });
    // The most watched videos of the topic, so they have co-engagement to start from
    const seeds = liked.map((v) => state.catalog.vidx(v.id)!).sort((a, b) => state.engagement.plays(b) - state.engagement.plays(a)).slice(0, 8);
    seeds.forEach((vidx, i) => {
      const video = state.catalog.video(vidx);
      const ts = NOW - 3_600_000 + i * 60_000;
      state.applyEvent({ id: `probe-p${i}`, user: 'probe', video: video.id, creator: null, type: 'play', ts, watchMs: video.durationMs });
      if (i % 2 === 0) state.applyEvent({ id: `probe-l${i}`, user: 'probe', video: video.id, creator: null, type: 'like', ts: ts + 1, watchMs: null });
    });

    const { candidates } = new FeedPipeline().run(PERSONALIZED, request(probe));
    const bySource = (name: string) => {
      const found: number[] = [];
      for (let slot = 0; slot < candidates.size; slot++) if (candidates.sourceMask[slot]! & (1 << bit(name))) found.push(candidates.vidx[slot]!);
      return found;
    };
    const share = (vidxs: number[]) => vidxs.filter((v) => topicOf(v) === topic).length / vidxs.length;
    const topical = bySource('topic');
    const coEngaged = bySource('co-engagement');
    expect(topical.length).toBeGreaterThanOrEqual(50);
    expect(coEngaged.length).toBeGreaterThanOrEqual(30);
    // Never what the user already engaged with
    for (const vidx of [...topical, ...coEngaged]) expect(seeds).not.toContain(vidx);
    expect(share(topical)).toBeGreaterThan(0.6);
    // Co-engagement follows what people watch together, which in this world mixes each viewer's few topics: it
    // finds the topic at several times its share of the catalogue, not exclusively.
    expect(share(coEngaged)).toBeGreaterThan(4 * base);

    // The page, chosen by the ranker under diversity rules, keeps some of them, with reasons that say why
    const req = request(probe);
    const { candidates: chosen, page } = new FeedPipeline().run(PERSONALIZED, req);
    const fromHistory = page.filter((slot) => chosen.sourceMask[slot]! & ((1 << bit('topic')) | (1 << bit('co-engagement'))));
    expect(fromHistory.length).toBeGreaterThanOrEqual(2);
    expect(page.filter((slot) => topicOf(chosen.vidx[slot]!) === topic).length).toBeGreaterThanOrEqual(2);
    const reasons = fromHistory.flatMap((slot) => PERSONALIZED.scorer.explain(req, chosen, slot));
    expect(reasons.some((r) => /^topic: you watch (#\S+|videos with the sound "\S+") \(\d+ of your recent likes and finished plays\)$/.test(r))).toBe(true);
    const seedCaptions = seeds.map((vidx) => state.catalog.video(vidx).caption);
    const coReasons = reasons.filter((r) => r.startsWith('co-engagement: '));
    expect(coReasons.length).toBeGreaterThanOrEqual(1);
    for (const reason of coReasons) expect(seedCaptions.some((caption) => reason.includes(caption.slice(0, 30)))).toBe(true);
  });

  it('the non-personalised plan proposes nothing from profile or history', () => {
    const probe = state.putUser({ id: 'np-probe', region: 'US', createdAt: NOW, interests: ['cooking'], settings: { personalized: true, minor: false } });
    const video = state.catalog.video(0);
    state.applyEvent({ id: 'np-like', user: 'np-probe', video: video.id, creator: null, type: 'like', ts: NOW, watchMs: null });
    const { candidates } = new FeedPipeline().run(NON_PERSONALIZED, request(probe, 'nonpersonalized'));
    const personal = (1 << bit('co-engagement')) | (1 << bit('topic')) | (1 << bit('onboarding'));
    for (let slot = 0; slot < candidates.size; slot++) expect(candidates.sourceMask[slot]! & personal).toBe(0);
  });
});
