/**
 * The oracle's ranking: a user's best videos by their true expected watch ratio, over the whole catalogue. Built for
 * many users of a large world (the bench asks for the 20 best of a million videos for each of 500 users), so it
 * evaluates a small share of the pairs: videos are kept by topic in falling quality, a user's topics are searched
 * from their most promising, and a topic is left at the first video whose engagement logit, even in the user's
 * language, cannot beat the smallest of the best so far (CatalogueWatchRatios.logitFloor). Exact: the result is
 * what ranking every video by expectedWatchRatio would give.
 */
import { CatalogueWatchRatios } from './ground-truth.js';
import type { World } from './world.js';

export class WatchRatioOracle {
  private readonly truth: CatalogueWatchRatios;
  /** Video indexes by topic, within a topic by falling quality. */
  private readonly order: Int32Array;
  /** Topic t's videos are order[topicStart[t]] … order[topicStart[t + 1] − 1]. */
  private readonly topicStart: Int32Array;

  constructor(world: World) {
    this.truth = new CatalogueWatchRatios(world);
    const { videoTopic, videoQuality, topicCount } = world.latent;
    this.topicStart = new Int32Array(topicCount + 1);
    for (let v = 0; v < videoTopic.length; v++) this.topicStart[videoTopic[v]! + 1]++;
    for (let t = 0; t < topicCount; t++) this.topicStart[t + 1] += this.topicStart[t]!;
    const next = this.topicStart.slice(0, -1);
    this.order = new Int32Array(videoTopic.length);
    for (let v = 0; v < videoTopic.length; v++) this.order[next[videoTopic[v]!]!++] = v;
    for (let t = 0; t < topicCount; t++) {
      this.order.subarray(this.topicStart[t], this.topicStart[t + 1]).sort((a, b) => videoQuality[b]! - videoQuality[a]!);
    }
  }

  /**
   * Writes the `out.length` largest expected watch ratios of `user` among the videos v with excluded[v] = 0 into out,
   * largest first, and returns how many there were (fewer when fewer videos are left).
   */
  best(user: number, excluded: Uint8Array, out: Float64Array): number {
    const k = out.length;
    const viewer = this.truth.viewer(user);
    const { order, topicStart } = this;
    const topicCount = topicStart.length - 1;
    // The user's topics by the ceiling of their best video, so the cut rises fast and prunes the rest.
    const topics = Array.from({ length: topicCount }, (_, t) => t)
      .filter((t) => topicStart[t + 1]! > topicStart[t]!)
      .sort((a, b) => viewer.logitCeiling(order[topicStart[b]!]!) - viewer.logitCeiling(order[topicStart[a]!]!));
    // A min-heap of the best ratios so far in out[0 … size − 1]; once full, no logit at or below `floor` makes the cut.
    let size = 0;
    let floor = -Infinity;
    for (const t of topics) {
      for (let i = topicStart[t]!; i < topicStart[t + 1]!; i++) {
        const video = order[i]!;
        if (viewer.logitCeiling(video) <= floor) break;
        if (excluded[video]) continue;
        const logit = viewer.logit(video);
        if (logit <= floor) continue;
        const ratio = viewer.watchRatio(video, logit);
        if (size < k) heapPush(out, size++, ratio);
        else if (ratio > out[0]!) heapReplaceMin(out, size, ratio);
        else continue;
        if (size === k) floor = this.truth.logitFloor(out[0]!);
      }
    }
    out.subarray(0, size).sort().reverse();
    return size;
  }
}

/** Adds `value` to the min-heap heap[0 … size − 1]. */
function heapPush(heap: Float64Array, size: number, value: number): void {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

/** Replaces the smallest value of the min-heap heap[0 … size − 1] by `value`. */
function heapReplaceMin(heap: Float64Array, size: number, value: number): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && heap[right]! < heap[left]! ? right : left;
    if (heap[child]! >= value) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = value;
}
