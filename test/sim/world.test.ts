import { describe, expect, it } from 'vitest';
import { UserSchema, VideoSchema, completeUser, completeVideo } from '../../src/core/schemas.js';
import { createWorld } from '../../src/sim/index.js';
import { CATALOGUE_WINDOW_MS } from '../../src/sim/world.js';

const NOW = Date.UTC(2025, 0, 1);

describe('createWorld', () => {
  it('is deterministic: the same seed and now give the same world', () => {
    const a = createWorld({ users: 300, videos: 600, seed: 11, now: NOW });
    const b = createWorld({ users: 300, videos: 600, seed: 11, now: NOW });
    expect(b.users).toEqual(a.users);
    expect(b.videos).toEqual(a.videos);
    expect(b.latent.videoQuality).toEqual(a.latent.videoQuality);
    expect(b.latent.userInterests).toEqual(a.latent.userInterests);
  });

  it('gives a different world for a different seed', () => {
    const a = createWorld({ users: 300, videos: 600, seed: 11, now: NOW });
    const b = createWorld({ users: 300, videos: 600, seed: 12, now: NOW });
    expect(b.videos.map((v) => v.caption)).not.toEqual(a.videos.map((v) => v.caption));
  });

  it('can make every video one length, changing nothing else of the world', () => {
    const drawn = createWorld({ users: 300, videos: 600, seed: 11, now: NOW });
    const fixed = createWorld({ users: 300, videos: 600, seed: 11, now: NOW, videoDurationMs: 3000 });
    expect(new Set(fixed.videos.map((v) => v.durationMs))).toEqual(new Set([3000]));
    expect(new Set(drawn.videos.map((v) => v.durationMs)).size).toBeGreaterThan(100);
    expect(fixed.videos.map(({ durationMs: _, ...rest }) => rest)).toEqual(drawn.videos.map(({ durationMs: _, ...rest }) => rest));
    expect(fixed.users).toEqual(drawn.users);
    expect(() => createWorld({ users: 10, videos: 10, videoDurationMs: 0 })).toThrow(/videoDurationMs/);
  });

  it('makes users and videos that the API schemas accept unchanged', () => {
    const world = createWorld({ users: 500, videos: 1000, seed: 5, now: NOW });
    for (const video of world.videos) {
      const parsed = VideoSchema.safeParse(video);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(completeVideo(parsed.data!, 0)).toEqual(video);
    }
    for (const user of world.users) {
      const parsed = UserSchema.safeParse(user);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(completeUser(parsed.data!, 0)).toEqual(user);
    }
  });

  it('builds a plausible catalogue', () => {
    const world = createWorld({ users: 2000, videos: 4000, seed: 9, now: NOW });
    const userIds = new Set(world.users.map((u) => u.id));
    const creators = new Set(world.videos.map((v) => v.creator));
    // About 5% of users create, and every creator is a user.
    expect(creators.size).toBeLessThanOrEqual(100);
    expect(creators.size).toBeGreaterThan(50);
    for (const creator of creators) expect(userIds.has(creator)).toBe(true);

    let previous = -Infinity;
    let live = 0;
    for (const [index, video] of world.videos.entries()) {
      expect(video.createdAt).toBeGreaterThanOrEqual(previous); // numbered in creation order
      previous = video.createdAt;
      expect(video.createdAt).toBeLessThan(NOW);
      expect(video.createdAt).toBeGreaterThanOrEqual(NOW - CATALOGUE_WINDOW_MS);
      expect(video.durationMs).toBeGreaterThanOrEqual(5_000);
      expect(video.durationMs).toBeLessThanOrEqual(180_000);
      expect(video.hashtags.length).toBeGreaterThanOrEqual(2);
      expect(video.hashtags.length).toBeLessThanOrEqual(5);
      const quality = world.latent.videoQuality[index]!;
      expect(quality).toBeGreaterThan(0);
      expect(quality).toBeLessThan(1);
      // The caption and the first hashtags speak of the video's topic.
      const topic = world.topics[world.latent.videoTopic[index]!]!;
      expect(video.hashtags.some((tag) => topic.hashtags.includes(tag))).toBe(true);
      if (video.status === 'live') live++;
    }
    expect(live / world.videos.length).toBeGreaterThan(0.95);
    expect(live).toBeLessThan(world.videos.length); // a few are still pending
    // Short videos dominate.
    const durations = world.videos.map((v) => v.durationMs).sort((a, b) => a - b);
    expect(durations[durations.length >> 1]!).toBeLessThan(30_000);

    const onboarded = world.users.filter((u) => u.interests.length > 0);
    expect(onboarded.length / world.users.length).toBeGreaterThan(0.3);
    expect(onboarded.length / world.users.length).toBeLessThan(0.5);
    for (const user of onboarded) {
      // Onboarding interests name the user's favourite topic first.
      const index = world.userIndexById.get(user.id)!;
      const interests = world.latent.userInterests.subarray(index * 24, index * 24 + 24);
      const favourite = world.topics[interests.indexOf(Math.max(...interests))]!.name;
      expect(user.interests[0]).toBe(favourite);
    }
    expect(new Set(world.users.map((u) => u.region)).size).toBeGreaterThanOrEqual(5);
  });

  it('gives users sparse interests that sum to one', () => {
    const world = createWorld({ users: 1000, videos: 100, seed: 2, now: NOW });
    const { userInterests, topicCount } = world.latent;
    let strongTopics = 0;
    for (let u = 0; u < world.users.length; u++) {
      let sum = 0;
      for (let t = 0; t < topicCount; t++) {
        const weight = userInterests[u * topicCount + t]!;
        sum += weight;
        if (weight > 0.05) strongTopics++;
      }
      expect(sum).toBeCloseTo(1, 4);
    }
    const mean = strongTopics / world.users.length;
    expect(mean).toBeGreaterThan(1);
    expect(mean).toBeLessThan(6);
  });
});
