/**
 * One (user, video) pair as the ranker sees it: ids for the embedding tables and a few dense context features.
 * Callers reuse one instance per thread and overwrite it per candidate, so scoring allocates nothing.
 */
export const DENSE_FEATURES = [
  'bias',
  /** log(1 + age in hours) / 5 */
  'videoAge',
  /** smoothed share of plays that finished */
  'completionRate',
  /** smoothed likes per play */
  'likeRate',
  /** smoothed mean watch ratio */
  'meanWatchRatio',
  /** log(1 + plays) / 10 */
  'popularity',
  /** share of the user's recent positive engagements that share a hashtag with the video */
  'topicMatch',
  /** 1 when the user follows the creator */
  'followsCreator',
  /** log(duration in seconds) / 5 */
  'duration',
  /** the batch model's calibrated prior for the pair from the user's picks at its fit (1 for the first pick, 0 off the list) */
  'retrievalScore',
] as const;
export type DenseFeature = (typeof DENSE_FEATURES)[number];
export const DENSE_COUNT = DENSE_FEATURES.length;
export const DENSE_INDEX: Readonly<Record<DenseFeature, number>> = Object.fromEntries(
  DENSE_FEATURES.map((f, i) => [f, i]),
) as Record<DenseFeature, number>;

/** Fills an input's video, creator, sound and hashtag ids for its `itemKey`, when the ranker asks for them. */
export interface ItemIdSource {
  fillIds(itemKey: number, input: RankerInput): void;
}

export class RankerInput {
  user = '';
  video = '';
  creator = '';
  sound: string | undefined;
  hashtags: readonly string[] = [];
  /**
   * A dense number for the video (its catalogue index), or -1. With it the ranker caches the video's, creator's
   * and sound's slots, sparing three hash lookups per candidate.
   */
  itemKey = -1;
  /**
   * The hashtags as dense numbers (the catalogue's), each named by `hashtagNames[key]`, when `hashtagKeyCount` ≥ 0;
   * the ranker then caches each hashtag's slot by number. -1: use `hashtags`.
   */
  hashtagKeys = new Int32Array(16);
  hashtagKeyCount = -1;
  hashtagNames: readonly string[] = [];
  /**
   * Set when the string ids above are not filled yet: a candidate whose slots the ranker has cached needs none of
   * them, and reading them costs a few cache misses per candidate at a million videos (the video's record and
   * its strings). The ranker calls `ensureIds` before it reads them.
   */
  pendingIds: ItemIdSource | undefined;
  readonly dense = new Float32Array(DENSE_COUNT);

  constructor() {
    this.dense[DENSE_INDEX.bias] = 1;
  }

  ensureIds(): void {
    const source = this.pendingIds;
    if (source === undefined) return;
    this.pendingIds = undefined;
    source.fillIds(this.itemKey, this);
  }
}
