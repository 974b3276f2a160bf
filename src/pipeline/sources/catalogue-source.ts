import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/**
 * Backfill: the newest live videos the user has not seen, at any age, so a user who has seen everything the other
 * sources offer still gets a page until the catalogue is exhausted. Raw score: 1 when just posted, decaying over
 * the fresh window.
 */
export class CatalogueSource implements CandidateSource {
  readonly name = 'catalogue';
  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const { catalog, recency } = request.state;
    const window = request.algorithm.freshWindowMs;
    const budget = request.n * 3;
    const newest = recency.newest(request.now);
    let taken = 0;
    for (let i = 0; i < newest.length && taken < budget; i++) {
      const vidx = newest[i]!;
      if (!isServable(request, vidx) || candidates.has(vidx)) continue;
      const age = Math.max(0, request.now - catalog.createdAt[vidx]!);
      candidates.add(vidx, this.bit, Math.exp(-age / window));
      taken++;
    }
  }
}
