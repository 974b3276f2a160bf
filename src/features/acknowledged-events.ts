/**
 * Events acknowledged to their users and not yet applied to this replica's state. Ingest acknowledges a batch once
 * it is durably stored; the log applier then applies it in log order, behind — seconds behind during a burst, when
 * the learners cost more per event than the store. The state stays a function of the ordered log; what the user
 * sees of their own acknowledged events does not wait for it: while their page is made, the effects a user expects
 * at once (a video watched or skipped is not served again, a follow or unfollow, a "not interested" hiding the
 * creator and counting against the sound) are laid over their state and lifted again, in one synchronous step.
 * What the learners take from the events (profiles, counters, the ranker) reaches the page once they are applied.
 */
import type { AcceptedEvent } from '../core/schemas.js';
import { SEEN_TYPES } from './online-state.js';
import type { UserState } from './user-state.js';
import type { VideoCatalog } from './video-catalog.js';

/** What of an event the overlay needs (a stored event has it). */
export type AcknowledgedEvent = Pick<AcceptedEvent, 'user' | 'type' | 'video' | 'creator'> & { seq: number };

export class AcknowledgedEvents {
  /** Per user, their acknowledged and unapplied events in log order. */
  private readonly byUser = new Map<string, AcknowledgedEvent[]>();

  /** Events just acknowledged, in log order; those at or before `appliedSeq` (already applied here) are skipped. */
  add(events: readonly AcknowledgedEvent[], appliedSeq: number): void {
    for (const event of events) {
      if (event.seq <= appliedSeq) continue;
      const list = this.byUser.get(event.user);
      if (list) list.push(event);
      else this.byUser.set(event.user, [event]);
    }
  }

  /** The state has applied the user's events up to `seq`. */
  settle(user: string, seq: number): void {
    const list = this.byUser.get(user);
    if (!list) return;
    let applied = 0;
    while (applied < list.length && list[applied]!.seq <= seq) applied++;
    if (applied === list.length) this.byUser.delete(user);
    else if (applied > 0) list.splice(0, applied);
  }

  /** Users with events not yet applied. */
  get users(): number {
    return this.byUser.size;
  }

  /**
   * Runs `make` (synchronous) with the user's acknowledged events laid over their state, then restores the state
   * exactly as it was: nothing else can observe it in between.
   */
  withEffects<T>(user: UserState, catalog: VideoCatalog, make: () => T): T {
    const events = this.byUser.get(user.profile.id);
    if (!events) return make();
    const seenAdded: number[] = [];
    const undo: (() => void)[] = [];
    for (const event of events) {
      const vidx = event.video === null ? undefined : catalog.vidx(event.video);
      if (vidx !== undefined) {
        if (SEEN_TYPES.has(event.type) && !user.seen.has(vidx)) {
          user.seen.add(vidx);
          seenAdded.push(vidx);
        }
        const sound = event.type === 'not_interested' ? catalog.soundOf(vidx) : undefined;
        if (sound !== undefined) {
          const before = user.notInterestedSounds.get(sound);
          user.notInterestedSounds.set(sound, (before ?? 0) + 1);
          undo.push(() => (before === undefined ? user.notInterestedSounds.delete(sound) : user.notInterestedSounds.set(sound, before)));
        }
      }
      const creator = event.creator;
      if (creator === null) continue;
      if (event.type === 'follow' || event.type === 'unfollow') {
        const followed = user.follows.has(creator);
        if (event.type === 'follow') user.follows.add(creator);
        else user.follows.delete(creator);
        undo.push(() => (followed ? user.follows.add(creator) : user.follows.delete(creator)));
      } else if (event.type === 'not_interested' && !user.notInterestedCreators.has(creator)) {
        user.notInterestedCreators.add(creator);
        undo.push(() => user.notInterestedCreators.delete(creator));
      }
    }
    try {
      return make();
    } finally {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      for (const vidx of seenAdded) user.seen.delete(vidx);
    }
  }
}

