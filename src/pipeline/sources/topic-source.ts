import type { TopicKeyKind, TopicKeyList } from '../../features/topic-index.js';
import { topicProfile, type TopicProfile } from '../../features/topic-profile.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { ScoreAccumulator } from './score-accumulator.js';
import { isServable } from './servable.js';
import { TopVideos } from './top-videos.js';

/** How many of the user's hashtags and sounds share the budget. */
const TOPIC_KEYS = 8;

export interface TopicKey {
  kind: TopicKeyKind;
  key: string;
  /** Recent positive engagements carrying the key. */
  count: number;
  /** `count` minus the weight of the recent rejections (skips, "not interested") carrying the key. */
  standing: number;
  /** standing × how rare the key is in the catalogue, so #fyp does not outweigh #cooking. */
  weight: number;
}

/** The user's strongest keys, strongest first; cached until the user engages again. */
const plans = new WeakMap<TopicProfile, { stamp: number; keys: TopicKey[] }>();

export function userTopicKeys(request: FeedRequest): TopicKey[] {
  const profile = topicProfile(request.state, request.user);
  const cached = plans.get(profile);
  // The profile object is reused (as the user engages, and for another user once evicted): its stamp says whether
  // the plan still holds.
  if (cached && cached.stamp === profile.stamp) return cached.keys;
  const { topics, catalog } = request.state;
  const weigh = (kind: TopicKeyKind, key: string, count: number, rejected: number | undefined): TopicKey => {
    const videos = topics.list(kind, key)?.videos ?? 0;
    const standing = count - (rejected ?? 0);
    return { kind, key, count, standing, weight: standing * Math.log(1 + catalog.size / (1 + videos)) };
  };
  // Keys the user skips about as often as they enjoy them are not theirs: only a positive standing proposes videos.
  const plan = [
    ...[...profile.counts].map(([key, count]) => weigh('hashtag', key, count, profile.rejected.get(key))),
    ...[...profile.soundCounts].map(([key, count]) => weigh('sound', key, count, profile.soundRejected.get(key))),
  ]
    .filter((key) => key.standing > 0)
    .sort((a, b) => b.weight - a.weight || a.key.localeCompare(b.key))
    .slice(0, TOPIC_KEYS);
  plans.set(profile, { stamp: profile.stamp, keys: plan });
  return plan;
}

/**
 * Offers the servable videos of one key's list to `top`, ranked by their decayed engagement, except those already
 * `taken` under another key (keys overlap: a cooking video often carries #recipe too).
 */
export function offerKeyVideos(request: FeedRequest, list: TopicKeyList, top: TopVideos, taken: ScoreAccumulator): void {
  const trendKey = request.state.engagement.trendKey;
  for (let i = 0; i < list.size; i++) {
    const vidx = list.vidx[i]!;
    const key = trendKey[vidx]!;
    // The cheapest test first: once the selection is full, most of a list ranks below it, and the safety filters
    // and the seen set need not be read.
    if (key < top.floor) continue;
    if (isServable(request, vidx) && !taken.has(vidx)) top.offer(key, vidx);
  }
}

/** Adds what `top` holds as candidates of one source and marks them taken. */
export function addTaken(top: TopVideos, candidates: CandidateSet, bit: number, raw: number, taken: ScoreAccumulator): void {
  for (let i = 0; i < top.size; i++) {
    candidates.add(top.ids[i]!, bit, raw);
    taken.add(top.ids[i]!, raw);
  }
}

/**
 * The most engaged-with videos of the hashtags and sounds in the user's recent positive engagements, the budget
 * split by each key's weight. Raw score: the key's weight relative to the user's strongest key.
 */
export class TopicSource implements CandidateSource {
  readonly name = 'topic';
  private readonly top = new TopVideos();
  private readonly taken = new ScoreAccumulator();

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const budget = request.algorithm.sourceBudgets.topic;
    const keys = userTopicKeys(request);
    if (budget === 0 || keys.length === 0) return;
    let total = 0;
    for (const key of keys) total += key.weight;
    const strongest = keys[0]!.weight;
    this.taken.clear();
    // Strongest first: a video carrying several of the user's keys is proposed once, under the strongest.
    for (const key of keys) {
      const list = request.state.topics.list(key.kind, key.key);
      if (!list) continue;
      this.top.reset(Math.max(1, Math.round((budget * key.weight) / total)));
      offerKeyVideos(request, list, this.top, this.taken);
      addTaken(this.top, candidates, this.bit, key.weight / strongest, this.taken);
    }
  }
}
