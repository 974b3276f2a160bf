/**
 * A per-user summary of recent positive engagements: how many of them carry each hashtag and each sound. The
 * ranker's topic feature and the topic and onboarding sources read the same summary, recomputed only when the
 * user has engaged since.
 */
import { isPositiveEngagement } from './positive-engagement.js';
import type { OnlineState } from './online-state.js';
import type { UserState } from './user-state.js';

export interface TopicProfile {
  version: number;
  /** Hashtag → how many of the user's recent positive engagements carry it. */
  counts: Map<string, number>;
  /** Sound → how many of the user's recent positive engagements use it. */
  soundCounts: Map<string, number>;
  positives: number;
}

const profiles = new WeakMap<UserState, TopicProfile>();

export function topicProfile(state: OnlineState, user: UserState): TopicProfile {
  let profile = profiles.get(user);
  if (profile && profile.version === user.recentVersion) return profile;
  const counts = new Map<string, number>();
  const soundCounts = new Map<string, number>();
  let positives = 0;
  for (const recent of user.recent) {
    if (!isPositiveEngagement(recent.type, recent.watchRatio)) continue;
    positives++;
    const video = state.catalog.videos[recent.vidx]!;
    for (const tag of video.hashtags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    if (video.sound !== undefined) soundCounts.set(video.sound, (soundCounts.get(video.sound) ?? 0) + 1);
  }
  profile = { version: user.recentVersion, counts, soundCounts, positives };
  profiles.set(user, profile);
  return profile;
}
