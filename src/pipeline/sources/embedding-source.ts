import { HEAD_COUNT, HEADS } from '../../models/online/heads.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/** Most results asked of the index in one request, however much of its top the user has already seen. */
const MAX_FETCH = 4096;

/**
 * Videos whose item vectors have the largest inner product with the user's query vector (the user's embedding
 * weighted by the active value weights), through the ANN index. Raw score: that inner product. Returns nothing for
 * a user without a learned vector. The index cannot filter, so it over-fetches and skips what the user has seen or
 * what is not live, asking for four times more while the budget is not met.
 */
export class EmbeddingSource implements CandidateSource {
  readonly name = 'embedding';
  private query = new Float32Array(0);
  private readonly headWeights = new Float64Array(HEAD_COUNT);

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const index = request.state.videoVectors;
    const ranker = request.state.learner?.ranker;
    const budget = request.algorithm.sourceBudgets.embedding;
    if (!index || !ranker || budget === 0 || index.size === 0) return;
    if (this.query.length !== ranker.dim) this.query = new Float32Array(ranker.dim);
    for (let k = 0; k < HEAD_COUNT; k++) this.headWeights[k] = request.algorithm.valueWeights[HEADS[k]!];
    if (!ranker.userQuery(request.user.profile.id, this.headWeights, this.query)) return;

    let wanted = Math.min(budget * 2, MAX_FETCH);
    for (;;) {
      const found = index.search(this.query, wanted);
      // Adding the same video twice from this source is idempotent, so a wider retry simply walks the list again.
      let taken = 0;
      for (let i = 0; i < found && taken < budget; i++) {
        const vidx = index.resultVidx[i]!;
        if (!isServable(request, vidx)) continue;
        candidates.add(vidx, this.bit, index.resultScore[i]!);
        taken++;
      }
      if (taken >= budget || found < wanted || wanted >= MAX_FETCH || wanted >= index.size) return;
      wanted = Math.min(wanted * 4, MAX_FETCH);
    }
  }
}
