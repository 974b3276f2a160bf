import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/** Recent videos of the creators the user follows. Raw score: recency, 1 when just posted. */
export class FollowingSource implements CandidateSource {
  readonly name = 'following';
  static readonly PER_CREATOR = 10;
  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const { catalog } = request.state;
    const budget = request.algorithm.sourceBudgets.following;
    const window = request.algorithm.freshWindowMs;
    let taken = 0;
    for (const creator of request.user.follows) {
      const creatorNumber = catalog.creatorNumber(creator);
      if (creatorNumber === undefined) continue;
      const videos = catalog.videosOfCreator[creatorNumber]!;
      let perCreator = 0;
      for (let i = videos.length - 1; i >= 0 && perCreator < FollowingSource.PER_CREATOR; i--) {
        const vidx = videos[i]!;
        if (!isServable(request, vidx)) continue;
        const age = Math.max(0, request.now - catalog.createdAt[vidx]!);
        candidates.add(vidx, this.bit, Math.exp(-age / window));
        perCreator++;
        if (++taken >= budget) return;
      }
    }
  }
}
