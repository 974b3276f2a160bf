import { sampleBeta } from '../../models/beta-posterior.js';
import { seededRandom } from '../../models/random.js';
import { PRIOR_BAD, PRIOR_GOOD } from '../../features/fresh-exposure.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/** Exploring videos looked at per request, from a random starting point: bounds the work however many there are. */
export const FRESH_SCAN_LIMIT = 1024;

/**
 * New videos being tried with a growing audience (see FreshExposure), chosen by Thompson sampling: each eligible
 * video draws a plausible good-view rate θ ~ Beta(1 + good, 1 + bad) and the `sourceBudgets.fresh` highest draws
 * become candidates with θ as raw score. Videos with little evidence draw widely, so they get tried; videos that
 * keep disappointing draw low and rarely win. The draws are seeded per request (user and time) so a request can
 * be replayed exactly; the non-personalised feed seeds from the evidence alone, so it is the same for everyone.
 */
export class FreshSource implements CandidateSource {
  readonly name = 'fresh';
  private heapTheta = new Float64Array(128);
  private heapVidx = new Int32Array(128);

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const exposure = request.state.freshExposure;
    const budget = request.algorithm.sourceBudgets.fresh;
    const count = exposure.exploringCount;
    if (budget === 0 || count === 0) return;
    if (this.heapTheta.length < budget) {
      this.heapTheta = new Float64Array(budget);
      this.heapVidx = new Int32Array(budget);
    }
    const random = seededRandom(requestSeed(request, exposure.evidenceVersion));
    const window = request.algorithm.freshWindowMs;
    const scan = Math.min(count, FRESH_SCAN_LIMIT);
    const start = Math.floor(random() * count);
    let size = 0;
    // The exploring list's own columns, read in order: a video's columns are read only once its draw wins a place.
    const { exploring, exploringGood, exploringBad, exploringCreatedAt } = exposure;
    for (let i = 0; i < scan; i++) {
      const at = (start + i) % count;
      if (request.now - exploringCreatedAt[at]! > window) continue;
      const theta = sampleBeta(random, PRIOR_GOOD + exploringGood[at]!, PRIOR_BAD + exploringBad[at]!);
      // The draw first: once the heap is full most draws lose to its floor, and then the safety filters and the
      // seen set need not be read at all.
      if (size === budget && theta <= this.heapTheta[0]!) continue;
      const vidx = exploring[at]!;
      if (!isServable(request, vidx)) continue;
      size = this.offer(size, budget, theta, vidx);
    }
    for (let i = 0; i < size; i++) candidates.add(this.heapVidx[i]!, this.bit, this.heapTheta[i]!);
  }

  /** Keeps the `budget` highest draws in a min-heap; returns the new heap size. */
  private offer(size: number, budget: number, theta: number, vidx: number): number {
    const keys = this.heapTheta;
    const ids = this.heapVidx;
    let i: number;
    if (size < budget) {
      i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (keys[parent]! <= theta) break;
        keys[i] = keys[parent]!;
        ids[i] = ids[parent]!;
        i = parent;
      }
    } else {
      if (theta <= keys[0]!) return size;
      i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && keys[right]! < keys[left]! ? right : left;
        if (keys[child]! >= theta) break;
        keys[i] = keys[child]!;
        ids[i] = ids[child]!;
        i = child;
      }
    }
    keys[i] = theta;
    ids[i] = vidx;
    return size;
  }
}

/**
 * Personalised: varies with the user and the request time, so users explore different new videos. Non-personalised:
 * only the evidence so far, so two people asking at the same moment get the same feed, and pages by offset agree.
 */
function requestSeed(request: FeedRequest, evidenceVersion: number): number {
  if (request.mode === 'nonpersonalized') return hashNumber(0x6e70, evidenceVersion);
  let h = hashNumber(0x7065, request.now);
  const id = request.user.profile.id;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** FNV-1a-style mixing of a (possibly > 2^32) non-negative integer into a 32-bit seed. */
function hashNumber(seed: number, value: number): number {
  let h = Math.imul(0x811c9dc5 ^ seed, 0x01000193);
  h = Math.imul(h ^ (value >>> 0), 0x01000193);
  h = Math.imul(h ^ Math.floor(value / 4_294_967_296), 0x01000193);
  return h >>> 0;
}
