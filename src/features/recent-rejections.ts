/**
 * A user's latest rejections (skips, "not interested"): which video and how strongly, at most REJECTIONS_PER_USER.
 * Kept apart from the ring of positive engagements on purpose: a user scrolls past far more videos than they enjoy,
 * and skips sharing one ring with likes pushed the likes out within a few dozen swipes, so what the user liked was
 * forgotten exactly when they kept looking for more of it.
 *
 * When full, a new rejection replaces the oldest one that weighs no more than it: a run of glances (weak
 * rejections of everything alike) does not wash out the quick skips and "not interested" marks that said what the
 * user does not want, while a run of equally strong rejections still replaces the oldest first.
 */
import { NOT_INTERESTED_WEIGHT } from './negative-engagement.js';

/** As many as positive engagements are kept, at 4 bytes each: 256 bytes per user who ever skipped. */
export const REJECTIONS_PER_USER = 64;
/** Weights are kept in 4 bits, 0 to the heaviest rejection in 15 steps (a fifth of a quick skip). */
const WEIGHT_LEVELS = 15;
const WEIGHT_STEP = NOT_INTERESTED_WEIGHT / WEIGHT_LEVELS;

export class RecentRejections {
  /** vidx × 16 + weight level per entry (videos up to 2^27), oldest first. */
  private entries: Int32Array | undefined;
  private count = 0;

  /** How many are kept (at most REJECTIONS_PER_USER). */
  get size(): number {
    return this.count;
  }

  /** The video of entry `index` (0 ≤ index < size, oldest first). */
  vidxAt(index: number): number {
    return this.entries![index]! >>> 4;
  }

  weightAt(index: number): number {
    return (this.entries![index]! & 15) * WEIGHT_STEP;
  }

  /** Keeps the rejection; false when it weighs nothing, or less than every one kept in a full list. */
  add(vidx: number, weight: number): boolean {
    const level = Math.min(WEIGHT_LEVELS, Math.round(weight / WEIGHT_STEP));
    if (level === 0) return false;
    // Allocated at the first rejection: many users of a large store never skip anything.
    const entries = (this.entries ??= new Int32Array(REJECTIONS_PER_USER));
    if (this.count === REJECTIONS_PER_USER) {
      let replaced = 0;
      while (replaced < this.count && (entries[replaced]! & 15) > level) replaced++;
      if (replaced === this.count) return false;
      entries.copyWithin(replaced, replaced + 1, this.count);
      this.count--;
    }
    entries[this.count++] = vidx * 16 + level;
    return true;
  }

  clear(): void {
    this.entries = undefined;
    this.count = 0;
  }
}
