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

export class VideoEngagement {
  impressions = new Float64Array(0);
  plays = new Float64Array(0);
  watchRatioSum = new Float64Array(0);
  finishes = new Float64Array(0);
  likes = new Float64Array(0);
  shares = new Float64Array(0);
  comments = new Float64Array(0);
  follows = new Float64Array(0);
  skips = new Float64Array(0);
  negatives = new Float64Array(0);
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
    this.impressions = grownFloat64(this.impressions, length);
    this.plays = grownFloat64(this.plays, length);
    this.watchRatioSum = grownFloat64(this.watchRatioSum, length);
    this.finishes = grownFloat64(this.finishes, length);
    this.likes = grownFloat64(this.likes, length);
    this.shares = grownFloat64(this.shares, length);
    this.comments = grownFloat64(this.comments, length);
    this.follows = grownFloat64(this.follows, length);
    this.skips = grownFloat64(this.skips, length);
    this.negatives = grownFloat64(this.negatives, length);
    this.trendKey = grownFloat64(this.trendKey, length);
    this.trendKey.fill(Number.NEGATIVE_INFINITY, previous);
  }

  /** Applies one accepted event about video `vidx`; `watchRatio` is NaN unless the event is a play. */
  apply(vidx: number, type: EventType, ts: number, watchRatio: number): void {
    switch (type) {
      case 'impression':
        this.impressions[vidx]!++;
        break;
      case 'play':
        this.plays[vidx]!++;
        this.watchRatioSum[vidx]! += Math.min(watchRatio, MAX_COUNTED_WATCH_RATIO);
        if (watchRatio >= FINISH_RATIO) this.finishes[vidx]!++;
        break;
      case 'like':
        this.likes[vidx]!++;
        break;
      case 'unlike':
        this.likes[vidx] = Math.max(0, this.likes[vidx]! - 1);
        break;
      case 'share':
        this.shares[vidx]!++;
        break;
      case 'comment':
        this.comments[vidx]!++;
        break;
      case 'follow':
        this.follows[vidx]!++;
        break;
      case 'skip':
        this.skips[vidx]!++;
        break;
      case 'not_interested':
      case 'report':
        this.negatives[vidx]!++;
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
    return (this.watchRatioSum[vidx]! + prior * priorPlays) / (this.plays[vidx]! + priorPlays);
  }

  likeRate(vidx: number, prior = 0.05, priorPlays = 20): number {
    return (this.likes[vidx]! + prior * priorPlays) / (this.plays[vidx]! + priorPlays);
  }
}
