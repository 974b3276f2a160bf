import { isPositiveEngagement } from '../../features/positive-engagement.js';
import { CO_ENGAGEMENT_SLOTS, type CoEngagementIndex } from '../../features/co-engagement-index.js';
import type { UserState } from '../../features/user-state.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { ScoreAccumulator } from './score-accumulator.js';
import { isServable } from './servable.js';
import { TopVideos } from './top-videos.js';

/** How many of the user's latest positive videos seed the search, and how fast older ones count less. */
export const CO_ENGAGEMENT_SEEDS = 16;
const SEED_DECAY = 0.85;

/** Scratch for the seeds of one request: the user's latest distinct positive videos and their recency weights. */
export class CoEngagementSeeds {
  readonly vidx = new Int32Array(CO_ENGAGEMENT_SEEDS);
  readonly weight = new Float64Array(CO_ENGAGEMENT_SEEDS);
  size = 0;

  collect(user: UserState): number {
    this.size = 0;
    for (let age = 0; this.size < CO_ENGAGEMENT_SEEDS; age++) {
      const slot = user.recentSlot(age);
      if (slot < 0) break;
      if (!isPositiveEngagement(user.recentTypeAt(slot), user.recentWatchRatioAt(slot))) continue;
      const seed = user.recentVidxAt(slot);
      let duplicate = false;
      for (let i = 0; i < this.size; i++) if (this.vidx[i] === seed) duplicate = true;
      if (duplicate) continue;
      this.vidx[this.size] = seed;
      this.weight[this.size] = Math.pow(SEED_DECAY, this.size);
      this.size++;
    }
    return this.size;
  }
}

/**
 * Item-to-item: videos that people engaged with alongside the user's latest liked or finished videos. A neighbour
 * scores Σ over seeds of recency weight × co(seed, neighbour) / √(total(seed) × total(neighbour)), a cosine over
 * co-engagement counts, so neither a much-watched seed nor a hit watched with everything dominates; the top
 * `sourceBudgets.coEngagement` are proposed. Raw score: the sum relative to the request's strongest, so 1
 * for the best and the scorer's boost does not depend on how much history the user has.
 */
export class CoEngagementSource implements CandidateSource {
  readonly name = 'co-engagement';
  private readonly seeds = new CoEngagementSeeds();
  private readonly sums = new ScoreAccumulator(CO_ENGAGEMENT_SEEDS * CO_ENGAGEMENT_SLOTS);
  private readonly top = new TopVideos();

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const budget = request.algorithm.sourceBudgets.coEngagement;
    if (budget === 0 || this.seeds.collect(request.user) === 0) return;
    const index = request.state.coEngagement;
    const sums = this.sums;
    sums.clear();
    for (let s = 0; s < this.seeds.size; s++) {
      const row = index.row(this.seeds.vidx[s]!);
      if (row < 0) continue;
      const scale = this.seeds.weight[s]! / Math.sqrt(index.rowTotal(row));
      const base = row * index.slots;
      for (let slot = base; slot < base + index.slots; slot++) {
        const neighbour = index.neighbours[slot]!;
        if (neighbour < 0) break;
        sums.add(neighbour, scale * index.weights[slot]!);
      }
    }
    const top = this.top;
    top.reset(budget);
    for (let i = 0; i < sums.size; i++) {
      const sum = sums.scoreAt(i);
      // Pairs are recorded both ways with weight 1, so a neighbour's own row totals at least 1 and its score is at
      // most its sum: below a full selection's floor, its row (two cache misses) need not be read.
      if (sum < top.floor) continue;
      const vidx = sums.vidxAt(i);
      // Cosine-style: a neighbour co-engaged with everything (a hit) counts less than one specific to the seeds.
      const score = sum / Math.sqrt(index.rowTotal(index.row(vidx)));
      // Below a full selection's floor: no need to read the safety filters and the seen set.
      if (score < top.floor || !isServable(request, vidx)) continue;
      top.offer(score, vidx);
    }
    let best = 0;
    for (let i = 0; i < top.size; i++) best = Math.max(best, top.scores[i]!);
    for (let i = 0; i < top.size; i++) candidates.add(top.ids[i]!, this.bit, top.scores[i]! / best);
  }
}

/** The seed that contributed most to `vidx`: what its reason names. -1 when none did. */
export function strongestSeed(index: CoEngagementIndex, seeds: CoEngagementSeeds, vidx: number): number {
  let best = -1;
  let bestContribution = 0;
  for (let s = 0; s < seeds.size; s++) {
    const seed = seeds.vidx[s]!;
    const row = index.row(seed);
    if (row < 0) continue;
    const contribution = (seeds.weight[s]! * index.weight(seed, vidx)) / Math.sqrt(index.rowTotal(row));
    if (contribution > bestContribution) {
      bestContribution = contribution;
      best = seed;
    }
  }
  return best;
}
