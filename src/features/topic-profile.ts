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
  // Recomputed after every engagement of the user (the ranker reads it for each event it learns): the maps are
  // reused and the ring read in place, so the recomputation allocates nothing per engagement.
  if (profile) {
    profile.counts.clear();
    profile.soundCounts.clear();
  } else {
    profile = { version: 0, counts: new Map(), soundCounts: new Map(), positives: 0 };
    profiles.set(user, profile);
  }
  const { counts, soundCounts } = profile;
  let positives = 0;
  for (let slot = 0; slot < user.recentLength; slot++) {
    if (!isPositiveEngagement(user.recentTypeAt(slot), user.recentWatchRatioAt(slot))) continue;
    positives++;
    const video = state.catalog.videos[user.recentVidxAt(slot)]!;
    for (const tag of video.hashtags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    if (video.sound !== undefined) soundCounts.set(video.sound, (soundCounts.get(video.sound) ?? 0) + 1);
  }
  profile.version = user.recentVersion;
  profile.positives = positives;
  return profile;
}
