/**
 * The chronological following feed: every live video of followed creators, newest first, paged by the last item's
 * (createdAt, vidx). No ranking, no profiling: the order is the clock's. The safety filters still hold (blocked
 * creators and sounds, region rules, no adult videos for minors): this is the default feed of minors.
 */
import { passesSafetyFilters } from './filters/filters.js';
import type { FeedRequest } from './stages.js';

export function followingFeed(request: FeedRequest, before: [number, number] | undefined): number[] {
  const { catalog } = request.state;
  const all: number[] = [];
  for (const creator of request.user.follows) {
    const creatorNumber = catalog.creatorNumber(creator);
    if (creatorNumber === undefined) continue;
    for (const vidx of catalog.videosOfCreator[creatorNumber]!) {
      if (!passesSafetyFilters(request, vidx)) continue;
      if (before && !isBefore(catalog.createdAt[vidx]!, vidx, before)) continue;
      all.push(vidx);
    }
  }
  all.sort((a, b) => catalog.createdAt[b]! - catalog.createdAt[a]! || b - a);
  return all.slice(0, request.n);
}

function isBefore(createdAt: number, vidx: number, [beforeTs, beforeVidx]: [number, number]): boolean {
  return createdAt < beforeTs || (createdAt === beforeTs && vidx < beforeVidx);
}
