import { topK } from '../../models/top-k.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/**
 * The batch model's picks for the user: their whole history (training row plus every positive engagement since the
 * fit) folded into the latest model `foryou train` or the serving retrainer saved, every item scored, and the best
 * `budget` servable ones kept. Raw score: the calibrated prior of engagement at the pick's rank, relative to the
 * first pick's (1 for the first, falling with rank as held-out engagements did); the value scorer's `batch` boost
 * scales it. Nothing for a user the model cannot fold in (no history it knows).
 */
export class BatchSource implements CandidateSource {
  readonly name = 'batch-model';
  private top = new Int32Array(0);
  private values = new Float64Array(0);

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const batch = request.state.batch;
    const budget = request.algorithm.sourceBudgets.batch;
    if (!batch || budget === 0 || !batch.scoreUser(request.user.profile.id)) return;
    const { scores, itemVidx } = batch;
    for (let i = 0; i < scores.length; i++) {
      const vidx = itemVidx[i]!;
      if (vidx < 0 || !isServable(request, vidx)) scores[i] = Number.NaN;
    }
    if (this.top.length < budget) {
      this.top = new Int32Array(budget);
      this.values = new Float64Array(budget);
    }
    const count = topK(scores, budget, undefined, this.top, this.values);
    for (let r = 0; r < count; r++) candidates.add(itemVidx[this.top[r]!]!, this.bit, batch.relativePrior(r));
  }
}
