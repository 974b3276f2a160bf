/**
 * What counts as a positive engagement: a play watched (almost) to the end, a like, a share or a comment. One
 * definition for the ranker's topic feature, the co-engagement index and the sources that start from history.
 */
import type { EventType } from '../core/schemas.js';

/** A play at or above this watch ratio is a positive signal (short videos are often watched ~90%). */
export const POSITIVE_WATCH_RATIO = 0.8;

export function isPositiveEngagement(type: EventType, watchRatio: number): boolean {
  return type === 'like' || type === 'share' || type === 'comment' || (type === 'play' && watchRatio >= POSITIVE_WATCH_RATIO);
}
