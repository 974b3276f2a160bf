import { passesSafetyFilters } from '../filters/filters.js';
import type { FeedRequest } from '../stages.js';

/**
 * Sources skip what the filters would drop anyway, so a user who has seen the top of a list still gets a full
 * budget from deeper in it. The filter stages stay the authority: they run on every candidate regardless.
 */
export function isServable(request: FeedRequest, vidx: number): boolean {
  if (!passesSafetyFilters(request, vidx)) return false;
  return request.mode === 'nonpersonalized' || !request.user.seen.has(vidx);
}
