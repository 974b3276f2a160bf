/**
 * What one event teaches each head. Exposures are negatives at once (an impression: no play yet; a play: no like
 * yet); the positive arrives as its own event later — the delayed heads are calibrated for exactly that.
 */
import type { EventType } from '../../core/schemas.js';
import { HEAD_COUNT, HEAD_INDEX as H } from './heads.js';

/** A play at or above this watch ratio counts as finished. */
export const FINISH_RATIO = 0.9;
const ENGAGEMENT_HEADS = [H.like, H.share, H.comment, H.follow, H.notInterested];

/** Fills `labels` and `mask` for an event; returns false when the event teaches nothing. */
export function labelEvent(type: EventType, watchRatio: number, labels: Float64Array, mask: Uint8Array): boolean {
  mask.fill(0);
  const set = (head: number, value: number) => {
    labels[head] = value;
    mask[head] = 1;
  };
  switch (type) {
    case 'impression':
      set(H.play, 0);
      return true;
    case 'play':
    case 'skip': {
      const played = type === 'play';
      const ratio = Number.isFinite(watchRatio) ? watchRatio : 0;
      if (played) set(H.play, 1);
      set(H.skip, played ? 0 : 1);
      set(H.watchRatio, ratio);
      set(H.finish, played && ratio >= FINISH_RATIO ? 1 : 0);
      for (const head of ENGAGEMENT_HEADS) set(head, 0);
      return true;
    }
    case 'like':
      set(H.like, 1);
      return true;
    case 'share':
      set(H.share, 1);
      return true;
    case 'comment':
      set(H.comment, 1);
      return true;
    case 'follow':
      set(H.follow, 1);
      return true;
    case 'not_interested':
    case 'report':
      set(H.notInterested, 1);
      return true;
    default:
      return false;
  }
}

export function newLabelBuffers(): { labels: Float64Array; mask: Uint8Array } {
  return { labels: new Float64Array(HEAD_COUNT), mask: new Uint8Array(HEAD_COUNT) };
}
