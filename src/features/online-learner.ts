/**
 * Feeds every accepted event to the online ranker, with the features as they were just before the event — the
 * same order as progressive validation — so the user's next page already reflects what they just did.
 */
import type { AcceptedEvent } from '../core/schemas.js';
import { labelEvent, newLabelBuffers } from '../models/online/event-labels.js';
import { MultiTaskRanker, type RankerOptions } from '../models/online/multi-task-ranker.js';
import { RankerInput } from '../models/online/ranker-input.js';
import type { OnlineState } from './online-state.js';
import { fillRankerInput } from './ranker-features.js';

export class OnlineLearner {
  ranker: MultiTaskRanker;
  private readonly input = new RankerInput();
  private readonly buffers = newLabelBuffers();
  /** Log position of the last event learned, so a restored snapshot resumes after it. */
  lastSeq = 0;
  /** The log position of the snapshot resumed from, if any: nothing new to save until `lastSeq` moves past it. */
  snapshotSeq: number | undefined;

  constructor(options?: RankerOptions) {
    this.ranker = new MultiTaskRanker(options);
  }

  /** Continues from a snapshot that has learned every event up to `seq`. */
  resume(ranker: MultiTaskRanker, seq: number): void {
    this.ranker = ranker;
    this.lastSeq = seq;
    this.snapshotSeq = seq;
  }

  /**
   * Learns from one event; call before the event is applied to the counters. Events at or before `lastSeq` are
   * already in a restored snapshot and are not learned twice.
   */
  observe(state: OnlineState, event: AcceptedEvent & { seq?: number }, vidx: number, watchRatio: number): void {
    if (event.seq !== undefined) {
      if (event.seq <= this.lastSeq) return;
      this.lastSeq = event.seq;
    }
    const { labels, mask } = this.buffers;
    if (!labelEvent(event.type, watchRatio, labels, mask)) return;
    const user = state.users.get(event.user);
    if (!user) return;
    fillRankerInput(state, user, vidx, event.ts, this.input);
    this.ranker.learn(this.input, labels, mask, event.ts);
  }
}
