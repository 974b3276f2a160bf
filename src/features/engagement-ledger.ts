/**
 * Which of a user's events may move what all users share: the video counters and trending, co-engagement, topic
 * and fresh-exposure statistics, the ranker's weights. A like, share, comment, follow, report or "not interested" is
 * a state of a (user, video) pair, not a count: the first moves the shared statistics, repeats change nothing (3,000
 * likes of one video by one user once made it the top trending video). An unlike counts only after a counted like,
 * once. Views (impressions, plays, skips) of a video count once among the user's latest VIEW_WINDOW counted views, so
 * one user replaying a video adds one view per VIEW_WINDOW other videos watched between.
 *
 * So one user moves each video's statistics by at most one event of each kind (documented in the transparency
 * text); every event still reaches the user's own state (seen set, recent history, follows).
 */
import type { EventType } from '../core/schemas.js';
import { EVENT_TYPES } from '../core/schemas.js';
import { VidxSet } from './vidx-set.js';

/** Distinct videos a user's repeat views are checked against (a window, so memory stays 64 bytes a user). */
export const VIEW_WINDOW = 16;

const VIEW_TYPES: ReadonlySet<EventType> = new Set(['impression', 'play', 'skip']);
const TYPE_CODE = new Map<EventType, number>(EVENT_TYPES.map((type, code) => [type, code]));
const LIKE = TYPE_CODE.get('like')!;
/** Room for the event type in a key: vidx × 16 + code (EVENT_TYPES has 11). */
const CODES = 16;

export class EngagementLedger {
  /** The (video, type) states the user has set, as vidx × 16 + type code; created at the first one. */
  private states: VidxSet | undefined;
  /** The latest counted views, as vidx × 16 + type code, in a ring; created at the first view. */
  private views: Int32Array | undefined;
  private nextView = 0;

  /** Whether the user's event of `type` about video `vidx` moves shared statistics; records it when it does. */
  counts(vidx: number, type: EventType): boolean {
    const code = TYPE_CODE.get(type)!;
    const key = vidx * CODES + code;
    if (VIEW_TYPES.has(type)) return this.countView(key);
    const states = (this.states ??= new VidxSet());
    if (type === 'unlike') {
      // Undoes a counted like once; an unlike without one (or a second) changes nothing.
      if (!states.has(vidx * CODES + LIKE) || states.has(key)) return false;
      states.add(key);
      return true;
    }
    if (states.has(key)) return false;
    states.add(key);
    return true;
  }

  private countView(key: number): boolean {
    const views = (this.views ??= new Int32Array(VIEW_WINDOW).fill(-1));
    for (let i = 0; i < VIEW_WINDOW; i++) if (views[i] === key) return false;
    views[this.nextView] = key;
    this.nextView = (this.nextView + 1) % VIEW_WINDOW;
    return true;
  }
}
