/**
 * The online co-visitation index behind item-to-item retrieval: co(a, b) grows when one user engages positively
 * with both a and b within a short time. Each video keeps a fixed number of neighbour slots in flat typed arrays,
 * so memory is bounded by videos × slots however many events arrive; a row is allocated only when a video first
 * gets a co-engagement.
 *
 * When a row is full, the weakest neighbour gives way to the newcomer, which inherits its weight plus the new
 * evidence (the space-saving rule): a neighbour engaged with more than total/slots times is never evicted, while
 * one-off pairs churn through the weakest slots instead of displacing strong ones.
 */
import type { EventType } from '../core/schemas.js';
import { grownFloat32, grownInt32Filled } from './growable-filled.js';
import { isPositiveEngagement } from './positive-engagement.js';
import type { UserState } from './user-state.js';

/**
 * 16, not 32: feeds served in-process at 100k videos (1M events, 3,000 pages) were worth the same to the simulated
 * users with either (true watch ratio 0.896 both), and the index takes half the memory in every replica.
 */
export const CO_ENGAGEMENT_SLOTS = 16;
/** A new positive is paired with at most this many of the user's previous positives (the latest ones). */
export const CO_ENGAGEMENT_PAIRS_PER_EVENT = 12;
/** Only positives this close in time are paired: one sitting, not a taste that changed months ago. */
export const CO_ENGAGEMENT_WINDOW_MS = 24 * 3_600_000;

export class CoEngagementIndex {
  /** Row of each video, -1 until it has a neighbour. */
  private rowOf = new Int32Array(0);
  /** rows × slots: neighbour vidx, -1 for an empty slot (empty slots are always at the end of a row). */
  neighbours = new Int32Array(0);
  /** rows × slots: co-engagement weight of the neighbour in the same position. */
  weights = new Float32Array(0);
  rows = 0;
  private readonly pairScratch = new Int32Array(CO_ENGAGEMENT_PAIRS_PER_EVENT);

  constructor(readonly slots = CO_ENGAGEMENT_SLOTS) {}

  /** The row of `vidx`, or -1 when it has no neighbours yet. Neighbours are at [row × slots, (row + 1) × slots). */
  row(vidx: number): number {
    return vidx < this.rowOf.length ? this.rowOf[vidx]! : -1;
  }

  /** co(a, b), 0 when b is not among a's neighbours. */
  weight(a: number, b: number): number {
    const row = this.row(a);
    if (row < 0) return 0;
    const base = row * this.slots;
    for (let s = 0; s < this.slots; s++) {
      const n = this.neighbours[base + s]!;
      if (n === b) return this.weights[base + s]!;
      if (n < 0) break;
    }
    return 0;
  }

  /** Σ weights in a's row: normalises a's neighbours so that a much-watched seed does not outweigh the rest. */
  rowTotal(row: number): number {
    let total = 0;
    const base = row * this.slots;
    for (let s = 0; s < this.slots && this.neighbours[base + s]! >= 0; s++) total += this.weights[base + s]!;
    return total;
  }

  /**
   * Records that `user` engaged with video `vidx` at `ts` (call before the engagement joins the user's recent
   * history). A non-positive engagement, or a second positive on a video already paired in the window, adds nothing.
   */
  observe(user: UserState, vidx: number, type: EventType, watchRatio: number, ts: number): void {
    if (!isPositiveEngagement(type, watchRatio)) return;
    const seeds = this.pairScratch;
    let count = 0;
    for (let age = 0; count < seeds.length; age++) {
      const slot = user.recentSlot(age);
      if (slot < 0) break;
      if (!isPositiveEngagement(user.recentTypeAt(slot), user.recentWatchRatioAt(slot))) continue;
      // Client timestamps may arrive out of order, so an old one is skipped rather than ending the walk.
      if (Math.abs(ts - user.recentTsAt(slot)) > CO_ENGAGEMENT_WINDOW_MS) continue;
      const seed = user.recentVidxAt(slot);
      // A finish then a like of the same video is one co-engagement, not two.
      if (seed === vidx) return;
      let duplicate = false;
      for (let i = 0; i < count; i++) if (seeds[i] === seed) duplicate = true;
      if (!duplicate) seeds[count++] = seed;
    }
    for (let i = 0; i < count; i++) {
      this.add(seeds[i]!, vidx, 1);
      this.add(vidx, seeds[i]!, 1);
    }
  }

  /** co(a, b) += amount. */
  add(a: number, b: number, amount: number): void {
    const base = this.ensureRow(a) * this.slots;
    let weakest = base;
    for (let s = base; s < base + this.slots; s++) {
      const n = this.neighbours[s]!;
      if (n === b) {
        this.weights[s]! += amount;
        return;
      }
      if (n < 0) {
        this.neighbours[s] = b;
        this.weights[s] = amount;
        return;
      }
      if (this.weights[s]! < this.weights[weakest]!) weakest = s;
    }
    this.neighbours[weakest] = b;
    this.weights[weakest]! += amount;
  }

  /** Bytes held by the index's arrays (allocated capacity, not only used rows). */
  get bytes(): number {
    return this.rowOf.byteLength + this.neighbours.byteLength + this.weights.byteLength;
  }

  private ensureRow(vidx: number): number {
    if (vidx >= this.rowOf.length) this.rowOf = grownInt32Filled(this.rowOf, vidx + 1, -1);
    let row = this.rowOf[vidx]!;
    if (row >= 0) return row;
    row = this.rows++;
    this.rowOf[vidx] = row;
    const needed = this.rows * this.slots;
    if (needed > this.neighbours.length) {
      // A quarter more rows at a time, not double: at a million videos the slack would otherwise be 256 MB.
      const capacity = Math.max(needed, Math.ceil((this.neighbours.length * 1.25) / this.slots) * this.slots);
      this.neighbours = grownInt32Filled(this.neighbours, capacity, -1, 1);
      this.weights = grownFloat32(this.weights, capacity, 1);
    }
    return row;
  }
}
