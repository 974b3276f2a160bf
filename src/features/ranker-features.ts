/**
 * Fills the ranker's input for a (user, video) pair from the online state: ids for the embedding tables and the
 * dense context features. Reads typed-array columns only; writes into the caller's reused RankerInput.
 */
import { DENSE_INDEX as D, type RankerInput } from '../models/online/ranker-input.js';
import type { OnlineState } from './online-state.js';
import { topicProfile, type TopicProfile } from './topic-profile.js';
import type { UserState } from './user-state.js';

const HOUR_MS = 3_600_000;

export function fillRankerInput(state: OnlineState, user: UserState, vidx: number, now: number, input: RankerInput): void {
  const { catalog, engagement } = state;
  const video = catalog.videos[vidx]!;
  input.user = user.profile.id;
  input.video = video.id;
  input.creator = video.creator;
  input.sound = video.sound;
  input.hashtags = video.hashtags;
  input.itemKey = vidx;
  const dense = input.dense;
  const plays = engagement.plays[vidx]!;
  dense[D.videoAge] = Math.log1p(Math.max(0, now - catalog.createdAt[vidx]!) / HOUR_MS) / 5;
  dense[D.completionRate] = (engagement.finishes[vidx]! + 1) / (plays + 4);
  dense[D.likeRate] = engagement.likeRate(vidx);
  dense[D.meanWatchRatio] = Math.min(engagement.meanWatchRatio(vidx), 3);
  dense[D.popularity] = Math.log1p(plays) / 10;
  dense[D.topicMatch] = topicMatch(state, user, video.hashtags);
  dense[D.followsCreator] = user.follows.has(video.creator) ? 1 : 0;
  dense[D.duration] = Math.log(Math.max(1, catalog.durationMs[vidx]! / 1000)) / 5;
  dense[D.retrievalScore] = 0;
}

/**
 * How strongly the user's recent positive engagements (finished plays, likes, shares, comments) point at these
 * hashtags: the share of them carrying the video's most-engaged hashtag.
 */
function topicMatch(state: OnlineState, user: UserState, hashtags: readonly string[]): number {
  return topicMatchIn(topicProfile(state, user), hashtags);
}

/** `topicMatch` with the user's profile looked up once per request rather than once per candidate. */
export function topicMatchIn(profile: TopicProfile, hashtags: readonly string[]): number {
  if (profile.positives === 0) return 0;
  let best = 0;
  for (const tag of hashtags) {
    const count = profile.counts.get(tag);
    if (count !== undefined && count > best) best = count;
  }
  return best / profile.positives;
}
