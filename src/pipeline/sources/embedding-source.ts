import { topK } from '../../models/top-k.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/** Results asked of the index per place in the budget: the bias re-ranks them after the search. */
const FETCH_PER_PLACE = 2;
/** Most results asked of the index in one request, however much of its top the user has already seen. */
const MAX_FETCH = 4096;

/**
 * Videos the retrieval tower scores highest for the user: the ANN index finds the item directions closest to the
 * user's query (cosine), then each is scored cosine + the video's bias (the tower's logit, times its temperature)
 * and the best `budget` servable ones are kept. Raw score: that logit. Returns nothing for a user without a
 * learned vector. The index cannot filter, so it over-fetches, and asks for four times more while fewer than
 * `budget` of its results are servable.
 */
export class EmbeddingSource implements CandidateSource {
  readonly name = 'embedding';
  private query = new Float32Array(0);
  private found = new Int32Array(0);
  private foundScores = new Float64Array(0);
  private topItems = new Int32Array(0);
  private topScores = new Float64Array(0);

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const index = request.state.videoVectors;
    const tower = request.state.learner?.retrieval;
    const budget = request.algorithm.sourceBudgets.embedding;
    if (!index || !tower || budget === 0 || index.size === 0) return;
    if (this.query.length !== tower.dim) this.query = new Float32Array(tower.dim);
    if (!tower.userQuery(request.user.profile.id, this.query)) return;

    let wanted = Math.min(budget * FETCH_PER_PLACE, MAX_FETCH);
    let servable = 0;
    for (;;) {
      const found = index.search(this.query, wanted);
      if (this.found.length < found) {
        this.found = new Int32Array(found);
        this.foundScores = new Float64Array(found);
      }
      servable = 0;
      for (let i = 0; i < found; i++) {
        const vidx = index.resultVidx[i]!;
        if (!isServable(request, vidx)) continue;
        this.found[servable] = vidx;
        this.foundScores[servable++] = index.resultScore[i]! + index.biasOf(vidx);
      }
      if (servable >= budget || found < wanted || wanted >= MAX_FETCH || wanted >= index.size) break;
      wanted = Math.min(wanted * 4, MAX_FETCH);
    }
    const keep = Math.min(budget, servable);
    if (this.topItems.length < keep) {
      this.topItems = new Int32Array(keep);
      this.topScores = new Float64Array(keep);
    }
    const kept = topK(this.foundScores.subarray(0, servable), keep, undefined, this.topItems, this.topScores);
    for (let i = 0; i < kept; i++) candidates.add(this.found[this.topItems[i]!]!, this.bit, this.topScores[i]!);
  }
}
