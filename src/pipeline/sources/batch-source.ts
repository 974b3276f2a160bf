import { topK } from '../../models/top-k.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { isServable } from './servable.js';

/**
 * The batch model's picks for the user: their whole history (training row plus every positive engagement since the
 * fit) folded into the latest model `foryou train` or the serving retrainer saved, and the best `budget` servable
 * picks kept. Raw score: the calibrated prior of engagement at the pick's rank, relative to the first pick's (1 for
 * the first, falling with rank as held-out engagements did); the value scorer's `batch` boost scales it. Nothing
 * for a user the model cannot fold in (no history it knows).
 *
 * The picks computed at the fit (or at the user's last positive engagement) are read first; only a user who has
 * already been served most of them gets the whole model scored, to reach deeper.
 */
export class BatchSource implements CandidateSource {
  readonly name = 'batch-model';
  private top = new Int32Array(0);
  private values = new Float64Array(0);

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const batch = request.state.batch;
    const budget = request.algorithm.sourceBudgets.batch;
    if (!batch || budget === 0) return;
    const user = request.user.profile.id;
    const picks = batch.picksFor(user);
    if (!picks) return;
    const { itemVidx } = batch;
    let rank = 0;
    let exhausted = true;
    for (let p = 0; p < picks.length && picks[p]! >= 0; p++) {
      const vidx = itemVidx[picks[p]!]!;
      if (vidx < 0 || !isServable(request, vidx)) continue;
      candidates.add(vidx, this.bit, batch.relativePrior(rank++));
      if (rank >= budget) {
        exhausted = false;
        break;
      }
    }
    if (!exhausted || rank >= budget / 2 || picks[picks.length - 1]! < 0) return;
    // Most picks already served: score the whole model, every servable item, from where the picks ran out.
    if (!batch.scoreUser(user)) return;
    const { scores } = batch;
    const mine = 1 << this.bit;
    for (let i = 0; i < scores.length; i++) {
      const vidx = itemVidx[i]!;
      const picked = candidates.has(vidx) && (candidates.sourceMask[candidates.slotFor(vidx)]! & mine) !== 0;
      if (vidx < 0 || picked || !isServable(request, vidx)) scores[i] = Number.NaN;
    }
    const wanted = budget - rank;
    if (this.top.length < wanted) {
      this.top = new Int32Array(wanted);
      this.values = new Float64Array(wanted);
    }
    const count = topK(scores, wanted, undefined, this.top, this.values);
    for (let r = 0; r < count; r++) candidates.add(itemVidx[this.top[r]!]!, this.bit, batch.relativePrior(rank++));
  }
}
