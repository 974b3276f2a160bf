import { GLOBAL_REGION } from '../../features/trending-index.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/** Videos with the most time-decayed engagement in the user's region, topped up from all regions. */
export class TrendingSource implements CandidateSource {
  readonly name = 'trending';
  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const budget = request.algorithm.sourceBudgets.trending;
    const { trending, engagement } = request.state;
    let taken = 0;
    for (const region of [request.user.profile.region, GLOBAL_REGION]) {
      const top = trending.top(region, request.now);
      for (let i = 0; i < top.length && taken < budget; i++) {
        const vidx = top[i]!;
        if (!isServable(request, vidx) || candidates.has(vidx)) continue;
        candidates.add(vidx, this.bit, engagement.trendingValue(vidx, request.now));
        taken++;
      }
    }
  }
}
