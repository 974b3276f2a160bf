/**
 * What counts against a video's hashtags and sound: leaving it early (a skip) or saying "not interested" (or
 * reporting it). The counterpart of positive-engagement.ts; the topic profile weighs one against the other, so a
 * topic the user keeps skipping fades even when nothing they liked points elsewhere.
 */
import type { EventType } from '../core/schemas.js';
import { POSITIVE_WATCH_RATIO } from './positive-engagement.js';

/** An explicit "not interested" or report says more than any skip: it counts as this many quick skips. */
export const NOT_INTERESTED_WEIGHT = 3;

/**
 * How much an event counts against the video's topic, 0 when it does not: a skip weighs by how little of the video
 * was watched (leaving after a glance is a rejection, leaving a short clip near its end hardly one), from 1 down to
 * 0 at the positive watch ratio; a skip without a watch time counts fully.
 */
export function rejectionWeight(type: EventType, watchRatio: number): number {
  if (type === 'not_interested' || type === 'report') return NOT_INTERESTED_WEIGHT;
  if (type !== 'skip') return 0;
  if (!Number.isFinite(watchRatio)) return 1;
  return Math.max(0, 1 - Math.max(0, watchRatio) / POSITIVE_WATCH_RATIO);
}
