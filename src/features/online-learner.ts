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

  constructor(options?: RankerOptions) {
    this.ranker = new MultiTaskRanker(options);
  }

  /** Learns from one event; call before the event is applied to the counters. */
  observe(state: OnlineState, event: AcceptedEvent, vidx: number, watchRatio: number): void {
    const { labels, mask } = this.buffers;
    if (!labelEvent(event.type, watchRatio, labels, mask)) return;
    const user = state.users.get(event.user);
    if (!user) return;
    fillRankerInput(state, user, vidx, event.ts, this.input);
    this.ranker.learn(this.input, labels, mask, event.ts);
  }
}
