/**
 * Feeds every accepted event to the online models — the multi-task ranker, and on positive engagements the
 * retrieval tower — with the features as they were just before the event, the same order as progressive
 * validation, so the user's next page already reflects what they just did.
 */
import type { AcceptedEvent } from '../core/schemas.js';
import { labelEvent, newLabelBuffers } from '../models/online/event-labels.js';
import { MultiTaskRanker, type RankerOptions } from '../models/online/multi-task-ranker.js';
import { RankerInput } from '../models/online/ranker-input.js';
import { RetrievalTower, type RetrievalItem } from '../models/online/retrieval-tower.js';
import type { OnlineState } from './online-state.js';
import { isPositiveEngagement } from './positive-engagement.js';
import { fillRankerInput } from './ranker-features.js';
import type { VideoCatalog } from './video-catalog.js';

export class OnlineLearner {
  ranker: MultiTaskRanker;
  retrieval: RetrievalTower;
  private readonly input = new RankerInput();
  private readonly buffers = newLabelBuffers();
  /** Log position of the last event learned, so a restored snapshot resumes after it. */
  lastSeq = 0;
  /** The log position of the snapshot resumed from, if any: nothing new to save until `lastSeq` moves past it. */
  snapshotSeq: number | undefined;
  /** Set by `observe`: whether the retrieval tower learned from the event (the video's index entry moved). */
  retrievalMoved = false;
  /** The catalogue negatives are drawn from, and the draw, made once rather than per positive event. */
  private catalog: VideoCatalog | undefined;
  private readonly negative = (r: number): RetrievalItem | undefined =>
    this.catalog && this.catalog.videos[Math.floor(r * this.catalog.size)];

  constructor(options?: RankerOptions) {
    this.ranker = new MultiTaskRanker(options);
    this.retrieval = new RetrievalTower();
  }

  /** Continues from a snapshot that has learned every event up to `seq`. */
  resume(ranker: MultiTaskRanker, retrieval: RetrievalTower, seq: number): void {
    this.ranker = ranker;
    this.retrieval = retrieval;
    this.lastSeq = seq;
    this.snapshotSeq = seq;
  }

  /**
   * Learns from one event; call before the event is applied to the counters. Events at or before `lastSeq` are
   * already in a restored snapshot and are not learned twice.
   */
  observe(state: OnlineState, event: AcceptedEvent & { seq?: number }, vidx: number, watchRatio: number): void {
    this.retrievalMoved = false;
    if (event.seq !== undefined) {
      if (event.seq <= this.lastSeq) return;
      this.lastSeq = event.seq;
    }
    if (isPositiveEngagement(event.type, watchRatio)) {
      this.catalog = state.catalog;
      this.retrievalMoved = this.retrieval.learnPositive(event.user, state.catalog.videos[vidx]!, event.ts, this.negative);
    }
    const { labels, mask } = this.buffers;
    if (!labelEvent(event.type, watchRatio, labels, mask)) return;
    const user = state.users.get(event.user);
    if (!user) return;
    fillRankerInput(state, user, vidx, event.ts, this.input);
    this.ranker.learn(this.input, labels, mask, event.ts);
  }

  /** Erasure: the user's vectors as a viewer and as a creator, in both models. */
  forgetUser(id: string): void {
    this.ranker.forgetUser(id);
    this.retrieval.forgetUser(id);
  }

  /** A profile reset: the user's vectors as a viewer, in both models. */
  forgetViewer(id: string): void {
    this.ranker.forgetViewer(id);
    this.retrieval.forgetViewer(id);
  }

  forgetVideo(id: string, vidx: number): void {
    this.ranker.forgetVideo(id, vidx);
    this.retrieval.forgetVideo(id);
  }

  expire(now: number): void {
    this.ranker.expire(now);
    this.retrieval.expire(now);
  }
}
