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
 * The picks computed at the fit (or at the user's last positive engagement) are read first; a user who has already
 * been served most of them gets the model's deeper ranking (scored once per history, see deepPicksFor).
 */
export class BatchSource implements CandidateSource {
  readonly name = 'batch-model';
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
    // Most picks already served: reach deeper into the model's ranking (scored once per history, then kept).
    const deep = batch.deepPicksFor(user);
    if (!deep) return;
    const mine = 1 << this.bit;
    for (let p = 0; p < deep.length && deep[p]! >= 0 && rank < budget; p++) {
      const vidx = itemVidx[deep[p]!]!;
      if (vidx < 0 || !isServable(request, vidx)) continue;
      if (candidates.has(vidx) && (candidates.sourceMask[candidates.slotFor(vidx)]! & mine) !== 0) continue; // a pick
      candidates.add(vidx, this.bit, batch.relativePrior(rank++));
    }
  }
}
