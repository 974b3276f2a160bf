import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/**
 * The newest live videos, so new uploads get a first audience. Raw score: 1 when just posted, decaying over the
 * fresh window. When `backfill` is set it walks past the window, so a user who has seen everything recent still
 * gets a page until the catalogue is exhausted.
 */
export class FreshSource implements CandidateSource {
  readonly name: string;
  constructor(
    readonly bit: number,
    private readonly backfill = false,
  ) {
    this.name = backfill ? 'catalogue' : 'fresh';
  }

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const { catalog, recency } = request.state;
    const window = request.algorithm.freshWindowMs;
    const budget = this.backfill ? request.n * 3 : request.algorithm.sourceBudgets.fresh;
    const newest = recency.newest(request.now);
    let taken = 0;
    for (let i = 0; i < newest.length && taken < budget; i++) {
      const vidx = newest[i]!;
      const age = Math.max(0, request.now - catalog.createdAt[vidx]!);
      if (!this.backfill && age > window) break;
      if (!isServable(request, vidx) || candidates.has(vidx)) continue;
      candidates.add(vidx, this.bit, Math.exp(-age / window));
      taken++;
    }
  }
}
