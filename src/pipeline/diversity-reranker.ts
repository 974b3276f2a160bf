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
    const { creatorIdx, videos } = request.state.catalog;
    const maxPerHashtag = request.algorithm.maxPerHashtagPerPage;
    const order: number[] = [];
    for (let slot = 0; slot < candidates.size; slot++) if (candidates.kept[slot] === 1) order.push(slot);
    order.sort((a, b) => candidates.score[b]! - candidates.score[a]! || candidates.vidx[a]! - candidates.vidx[b]!);

    const page: number[] = [];
    const used = new Uint8Array(order.length);
    const hashtagCount = new Map<string, number>();
    let previousCreator = -1;
    while (page.length < request.n) {
      let chosen = -1;
      // 2: both rules; 1: creator rule only; 0: anything left
      for (let strictness = 2; strictness >= 0 && chosen < 0; strictness--) {
        for (let i = 0; i < order.length; i++) {
          if (used[i] === 1) continue;
          const vidx = candidates.vidx[order[i]!]!;
          if (strictness >= 1 && creatorIdx[vidx] === previousCreator) continue;
          if (strictness === 2 && videos[vidx]!.hashtags.some((tag) => (hashtagCount.get(tag) ?? 0) >= maxPerHashtag)) {
            continue;
          }
          chosen = i;
          break;
        }
      }
      if (chosen < 0) break;
      used[chosen] = 1;
      const vidx = candidates.vidx[order[chosen]!]!;
      page.push(order[chosen]!);
      previousCreator = creatorIdx[vidx]!;
      for (const tag of videos[vidx]!.hashtags) hashtagCount.set(tag, (hashtagCount.get(tag) ?? 0) + 1);
    }
    return page;
  }
}
