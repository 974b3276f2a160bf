/**
 * Picks the page from the scored candidates, best first, under rules that hold on every page:
 * - never the same creator, nor the same sound, twice in a row (also across pages: `request.previous`);
 * - at most `maxPerHashtagPerPage` items sharing a hashtag in any `diversityWindow` consecutive items (so in a page
 *   of up to that many, and in every slice of a longer list, which is how the non-personalised feed pages);
 * - a share `explorationShare` of the positions, spread evenly (with 0.2: the 5th and 10th of every ten), goes to
 *   the best candidate the fresh source proposed, or to the best other one when no fresh candidate fits the rules.
 * Rules are never relaxed: when no remaining candidate fits, the page ends short, and the pipeline widens the
 * candidates with its backfill. Candidates are already unique per video (the candidate set merges sources).
 */
import type { CandidateSet } from './candidates.js';
import type { FeedRequest, ReRanker, RerankVerdict, RerankRule } from './stages.js';

export class DiversityReRanker implements ReRanker {
  readonly name = 'diversity';
  /** Reused across requests: kept slots in score order, which of them are placed, hashtag counts in the window. */
  private order = new Int32Array(1024);
  private used = new Uint8Array(1024);
  private hashtagCounts = new Int32Array(1024);

  constructor(private readonly freshBit: number) {}

  select(request: FeedRequest, candidates: CandidateSet): number[] {
    return this.choose(request, candidates, -1, undefined);
  }

  explainSelection(request: FeedRequest, candidates: CandidateSet, slot: number): RerankVerdict {
    const verdict: RerankVerdict = { rank: 0, position: -1, exploration: false, heldBack: [] };
    const page = this.choose(request, candidates, slot, verdict);
    verdict.position = page.indexOf(slot);
    verdict.exploration = verdict.position >= 0 && isExplorationPosition(verdict.position, request.algorithm.explorationShare);
    return verdict;
  }

  /** The selection; when `traced` is given, records where and why candidate `traceSlot` was passed over. */
  private choose(request: FeedRequest, candidates: CandidateSet, traceSlot: number, traced: RerankVerdict | undefined): number[] {
    const { creatorIdx, soundIdx, hashtagPool, hashtagRun, hashtagIds } = request.state.catalog;
    const { maxPerHashtagPerPage: cap, diversityWindow: window, explorationShare } = request.algorithm;
    const freshMask = 1 << this.freshBit;
    if (this.order.length < candidates.size) {
      this.order = new Int32Array(candidates.size * 2);
      this.used = new Uint8Array(candidates.size * 2);
    }
    if (this.hashtagCounts.length < hashtagIds.length) this.hashtagCounts = new Int32Array(hashtagIds.length * 2);
    const counts = this.hashtagCounts;
    const used = this.used;

    let size = 0;
    for (let slot = 0; slot < candidates.size; slot++) if (candidates.kept[slot] === 1) this.order[size++] = slot;
    const order = this.order.subarray(0, size);
    const score = candidates.score;
    const vidxOf = candidates.vidx;
    order.sort((a, b) => score[b]! - score[a]! || vidxOf[a]! - vidxOf[b]!);
    used.fill(0, 0, size);
    if (traced) traced.rank = order.indexOf(traceSlot) + 1;

    const page: number[] = [];
    let firstUnused = 0;
    while (page.length < request.n) {
      const position = page.length;
      const explore = isExplorationPosition(position, explorationShare);
      const previous = position > 0 ? candidates.vidx[page[position - 1]!]! : (request.previous ?? -1);
      const previousCreator = previous < 0 ? -1 : creatorIdx[previous]!;
      const previousSound = previous < 0 ? -1 : soundIdx[previous]!;
      let chosen = -1;
      let fallback = -1;
      while (firstUnused < size && used[firstUnused] === 1) firstUnused++;
      for (let i = firstUnused; i < size; i++) {
        if (used[i] === 1) continue;
        const slot = order[i]!;
        const vidx = candidates.vidx[slot]!;
        let broken: RerankRule | undefined;
        if (creatorIdx[vidx] === previousCreator) broken = 'creator';
        else if (soundIdx[vidx] !== -1 && soundIdx[vidx] === previousSound) broken = 'sound';
        else if (overHashtagCap(vidx)) broken = 'hashtag';
        if (broken !== undefined) {
          if (slot === traceSlot) traced!.heldBack.push({ position, rule: broken });
          continue;
        }
        if (!explore || (candidates.sourceMask[slot]! & freshMask) !== 0) {
          chosen = i;
          break;
        }
        if (fallback < 0) fallback = i;
      }
      if (chosen < 0) chosen = fallback;
      else if (fallback >= 0 && order[fallback] === traceSlot) traced!.heldBack.push({ position, rule: 'exploration' });
      if (chosen < 0) break;
      used[chosen] = 1;
      page.push(order[chosen]!);
      addHashtags(candidates.vidx[order[chosen]!]!, 1);
      // The window of the next position no longer holds the item `window - 1` places back.
      if (position + 1 >= window) addHashtags(candidates.vidx[page[position + 1 - window]!]!, -1);
    }
    // Leaves the counts at zero for the next request: only the last `window - 1` items are still counted.
    for (let position = Math.max(0, page.length - window + 1); position < page.length; position++) {
      addHashtags(candidates.vidx[page[position]!]!, -1);
    }
    return page;

    function overHashtagCap(vidx: number): boolean {
      const start = hashtagRun[2 * vidx]!;
      const end = start + hashtagRun[2 * vidx + 1]!;
      for (let j = start; j < end; j++) if (counts[hashtagPool[j]!]! >= cap) return true;
      return false;
    }

    function addHashtags(vidx: number, delta: number): void {
      const start = hashtagRun[2 * vidx]!;
      const end = start + hashtagRun[2 * vidx + 1]!;
      for (let j = start; j < end; j++) counts[hashtagPool[j]!]! += delta;
    }
  }
}

/**
 * Whether page position `position` (0-based) is reserved for exploration: positions where the running count of
 * reserved slots, share × (position + 1), reaches the next whole number. In thousandths, so 0.2 × 5 is exactly 1.
 */
export function isExplorationPosition(position: number, share: number): boolean {
  const perMille = Math.round(share * 1000);
  return Math.floor(((position + 1) * perMille) / 1000) > Math.floor((position * perMille) / 1000);
}
