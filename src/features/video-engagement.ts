/**
 * Per-video engagement counters, one typed-array column per signal, and the time-decayed trending key.
 *
 * The trending key stores log(engagement) + t/τ: a decayed sum Σ w·exp(−(now − t)/τ) equals exp(key − now/τ), so
 * the order of videos by key never changes as time passes and only videos that receive events need an update.
 */
import type { EventType } from '../core/schemas.js';
import { grownFloat64 } from './growable.js';

/** A play at or above this watch ratio counts as finished. */
export const FINISH_RATIO = 0.9;
/** Loops beyond this do not add more engagement (replays on a 3-second clip are cheap). */
export const MAX_COUNTED_WATCH_RATIO = 2;

/**
 * The counters of a video, in the order they sit in its row: the five the pre-ranker and the ranker read for every
 * candidate come first, so one candidate costs one or two cache misses instead of one per counter (at a million
 * videos each column is 8 MB and every read of another column misses).
 */
export const COUNTER = {
  plays: 0,
  skips: 1,
  finishes: 2,
  likes: 3,
  watchRatioSum: 4,
  impressions: 5,
  shares: 6,
  comments: 7,
  follows: 8,
  negatives: 9,
} as const;
export type CounterName = keyof typeof COUNTER;
const STRIDE = 10;

export class VideoEngagement {
  /** Row-major counters: video v's counter c is counters[v * STRIDE + c] (see COUNTER). */
  private counters = new Float64Array(0);
  trendKey = new Float64Array(0);
  /** Bumped on every update, so the trending index knows when to rebuild. */
  version = 0;
  private readonly tau: number;

  constructor(
    halfLifeMs: number,
    private readonly weights: Record<EventType, number>,
  ) {
    this.tau = halfLifeMs / Math.LN2;
  }

  ensure(length: number): void {
    if (length <= this.trendKey.length) return;
    const previous = this.trendKey.length;
    this.trendKey = grownFloat64(this.trendKey, length);
    this.trendKey.fill(Number.NEGATIVE_INFINITY, previous);
    // Grown to the same capacity as trendKey, so one check covers both.
    const counters = new Float64Array(this.trendKey.length * STRIDE);
    counters.set(this.counters);
    this.counters = counters;
  }

  /** One counter of one video. */
  count(vidx: number, counter: CounterName): number {
    return this.counters[vidx * STRIDE + COUNTER[counter]]!;
  }

  plays(vidx: number): number {
    return this.counters[vidx * STRIDE]!;
  }

  skips(vidx: number): number {
    return this.counters[vidx * STRIDE + COUNTER.skips]!;
  }

  finishes(vidx: number): number {
    return this.counters[vidx * STRIDE + COUNTER.finishes]!;
  }

  /** Applies one accepted event about video `vidx`; `watchRatio` is NaN unless the event is a play. */
  apply(vidx: number, type: EventType, ts: number, watchRatio: number): void {
    const row = vidx * STRIDE;
    const counters = this.counters;
    switch (type) {
      case 'impression':
        counters[row + COUNTER.impressions]!++;
        break;
      case 'play':
        counters[row + COUNTER.plays]!++;
        counters[row + COUNTER.watchRatioSum]! += Math.min(watchRatio, MAX_COUNTED_WATCH_RATIO);
        if (watchRatio >= FINISH_RATIO) counters[row + COUNTER.finishes]!++;
        break;
      case 'like':
        counters[row + COUNTER.likes]!++;
        break;
      case 'unlike':
        counters[row + COUNTER.likes] = Math.max(0, counters[row + COUNTER.likes]! - 1);
        break;
      case 'share':
        counters[row + COUNTER.shares]!++;
        break;
      case 'comment':
        counters[row + COUNTER.comments]!++;
        break;
      case 'follow':
        counters[row + COUNTER.follows]!++;
        break;
      case 'skip':
        counters[row + COUNTER.skips]!++;
        break;
      case 'not_interested':
      case 'report':
        counters[row + COUNTER.negatives]!++;
        break;
      case 'unfollow':
        break;
    }
    const weight =
      type === 'play' ? this.weights.play * Math.min(watchRatio, MAX_COUNTED_WATCH_RATIO) : this.weights[type];
    if (weight !== 0) this.addTrending(vidx, weight, ts);
    this.version++;
  }

  private addTrending(vidx: number, weight: number, ts: number): void {
    const key = this.trendKey[vidx]!;
    const added = Math.log(Math.abs(weight)) + ts / this.tau;
    if (weight > 0) {
      // log(exp(key) + exp(added)), computed without overflow
      const high = Math.max(key, added);
      this.trendKey[vidx] = high + Math.log(Math.exp(key - high) + Math.exp(added - high));
    } else if (added >= key) {
      this.trendKey[vidx] = Number.NEGATIVE_INFINITY; // engagement never goes below zero
    } else {
      this.trendKey[vidx] = key + Math.log1p(-Math.exp(added - key));
    }
  }

  /** Decayed engagement of a video at time `now`, in event-weight units. */
  trendingValue(vidx: number, now: number): number {
    return Math.exp(this.trendKey[vidx]! - now / this.tau);
  }

  /** Smoothed mean watch ratio: a few plays should not make a video look perfect. */
  meanWatchRatio(vidx: number, prior = 0.5, priorPlays = 5): number {
    const row = vidx * STRIDE;
    return (this.counters[row + COUNTER.watchRatioSum]! + prior * priorPlays) / (this.counters[row]! + priorPlays);
  }

  likeRate(vidx: number, prior = 0.05, priorPlays = 20): number {
    const row = vidx * STRIDE;
    return (this.counters[row + COUNTER.likes]! + prior * priorPlays) / (this.counters[row]! + priorPlays);
  }
}
