/**
 * Picks the page from the scored candidates, best first, under diversity rules: never the same creator twice in a
 * row, at most `maxPerHashtagPerPage` items sharing a hashtag. When no candidate satisfies the rules the hashtag
 * cap is relaxed first, then the creator rule, so a page is short only when candidates run out.
 */
import type { CandidateSet } from './candidates.js';
import type { FeedRequest, ReRanker } from './stages.js';

export class DiversityReRanker implements ReRanker {
  readonly name = 'diversity';

  select(request: FeedRequest, candidates: CandidateSet): number[] {
    const { catalog } = request.state;
    const order: number[] = [];
    for (let slot = 0; slot < candidates.size; slot++) if (candidates.kept[slot] === 1) order.push(slot);
    order.sort((a, b) => candidates.score[b]! - candidates.score[a]! || candidates.vidx[a]! - candidates.vidx[b]!);
    return this.pick(order, request.n, catalog.creatorIdx, (slot) => catalog.videos[candidates.vidx[slot]!]!.hashtags, candidates, request);
  }

  private pick(
    order: number[],
    n: number,
    creatorIdx: Int32Array,
    hashtagsOf: (slot: number) => string[],
    candidates: CandidateSet,
    request: FeedRequest,
  ): number[] {
    const maxPerHashtag = request.algorithm.maxPerHashtagPerPage;
    const page: number[] = [];
    const used = new Uint8Array(order.length);
    const hashtagCount = new Map<string, number>();
    let previousCreator = -1;
    while (page.length < n) {
      let chosen = -1;
      for (let strictness = 2; strictness >= 0 && chosen < 0; strictness--) {
        for (let i = 0; i < order.length; i++) {
          if (used[i] === 1) continue;
          const slot = order[i]!;
          const creator = creatorIdx[candidates.vidx[slot]!]!;
          if (strictness >= 1 && creator === previousCreator) continue;
          if (strictness === 2 && hashtagsOf(slot).some((tag) => (hashtagCount.get(tag) ?? 0) >= maxPerHashtag)) continue;
          chosen = i;
          break;
        }
      }
      if (chosen < 0) break;
      used[chosen] = 1;
      const slot = order[chosen]!;
      page.push(slot);
      previousCreator = creatorIdx[candidates.vidx[slot]!]!;
      for (const tag of hashtagsOf(slot)) hashtagCount.set(tag, (hashtagCount.get(tag) ?? 0) + 1);
    }
    return page;
  }
}
