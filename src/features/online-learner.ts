/**
 * Feeds every accepted event to the online models — the multi-task ranker, and on positive engagements the
 * retrieval tower — with the features as they were just before the event, the same order as progressive
 * validation, so the user's next page already reflects what they just did.
 */
import type { AcceptedEvent } from '../core/schemas.js';
import { labelEvent, newLabelBuffers } from '../models/online/event-labels.js';
import { MultiTaskRanker, type RankerOptions } from '../models/online/multi-task-ranker.js';
import { DENSE_INDEX as D, RankerInput } from '../models/online/ranker-input.js';
import { RetrievalTower, type RetrievalItem } from '../models/online/retrieval-tower.js';
import type { OnlineState } from './online-state.js';
import { isPositiveEngagement } from './positive-engagement.js';
import { fillRankerInput } from './ranker-features.js';
import type { VideoCatalog } from './video-catalog.js';
import type { UserState } from './user-state.js';
import { xorshift32 } from '../models/online/xorshift32.js';

/**
 * Below this many logged exposures per positive engagement the user's log is treated as positives only: a client
 * that logs what it shows reports at least one impression for each video chosen, and usually several.
 */
const MIN_EXPOSURES_PER_POSITIVE = 0.5;

export class OnlineLearner {
  ranker: MultiTaskRanker;
  retrieval: RetrievalTower;
  /** Scratch of one learning step; it names the last event's user and creator, so an erasure replaces it. */
  private input = new RankerInput();
  private readonly buffers = newLabelBuffers();
  /** Log position of the last event learned, so a restored snapshot resumes after it. */
  lastSeq = 0;
  /** The log position of the snapshot resumed from, if any: nothing new to save until `lastSeq` moves past it. */
  snapshotSeq: number | undefined;
  /** Set by `observe`: whether the retrieval tower learned from the event (the video's index entry moved). */
  retrievalMoved = false;
  /** The catalogue negatives are drawn from, and the draw, made once rather than per positive event. */
  private catalog: VideoCatalog | undefined;
  /** Made on first use, as a snapshot carries no functions (state-snapshot.ts). */
  private negative: ((r: number) => RetrievalItem | undefined) | undefined;

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
    // Counted on every replay, before the snapshot check: the counts are part of the log's state, not the model's.
    const viewer = state.users.get(event.user);
    const positive = isPositiveEngagement(event.type, watchRatio);
    if (viewer) {
      if (event.type === 'impression' || event.type === 'skip') viewer.exposures++;
      else if (positive) viewer.positives++;
    }
    if (event.seq !== undefined) {
      if (event.seq <= this.lastSeq) return;
      this.lastSeq = event.seq;
    }
    if (positive) {
      this.catalog = state.catalog;
      this.negative ??= (r) => this.catalog && this.catalog.item(Math.floor(r * this.catalog.size));
      this.retrievalMoved = this.retrieval.learnPositive(event.user, state.catalog.item(vidx), event.ts, this.negative);
    }
    const { labels, mask } = this.buffers;
    if (!labelEvent(event.type, watchRatio, labels, mask)) return;
    const user = state.users.get(event.user);
    if (!user) return;
    this.fill(state, user, vidx, event);
    this.ranker.learn(this.input, labels, mask, event.ts);
    if (positive && user.exposures < MIN_EXPOSURES_PER_POSITIVE * user.positives) this.learnSampledNegative(state, user, vidx, event);
  }

  /**
   * A video the user was not logged engaging with, learned as an exposure without a play: the negative a log of
   * positives alone lacks, so the heads learn what separates what a user chooses from the rest of the catalogue
   * instead of predicting a play for everything. Drawn uniformly (a popular video is not less likely to be a true
   * negative) from a hash of the event's position and id, so every replica and every replay draws the same video.
   */
  private learnSampledNegative(state: OnlineState, user: UserState, positiveVidx: number, event: AcceptedEvent & { seq?: number }): void {
    const { catalog } = state;
    if (catalog.size < 2) return;
    let hash = ((event.seq ?? 0) * 2_654_435_761) >>> 0;
    for (let i = 0; i < event.id.length; i++) hash = Math.imul(hash ^ event.id.charCodeAt(i), 16_777_619) >>> 0;
    const vidx = xorshift32(hash || 1) % catalog.size;
    if (vidx === positiveVidx || catalog.live[vidx] === 0 || user.seen.has(vidx)) return;
    const { labels, mask } = this.buffers;
    // Labelled as an impression that drew no play, the one thing it stands for. Labelling every engagement head 0
    // as well served MovieLens-100K worse (engine nDCG@10 0.472 against 0.482).
    labelEvent('impression', Number.NaN, labels, mask);
    this.fill(state, user, vidx, event);
    this.ranker.learn(this.input, labels, mask, event.ts);
  }

  /**
   * The features of the event's pair as they were just before it. The batch model's prior is left out (0, which
   * teaches its weight nothing) for events the model was fitted on: its picks exclude the user's own history, so
   * every positive of the fit would read 0 beside sampled negatives that read more, teaching the opposite of what
   * the prior means. Events after the fit teach it honestly.
   */
  private fill(state: OnlineState, user: UserState, vidx: number, event: AcceptedEvent & { seq?: number }): void {
    fillRankerInput(state, user, vidx, event.ts, this.input);
    if (state.batch && (event.seq ?? Number.POSITIVE_INFINITY) <= state.batch.info.seq) this.input.dense[D.retrievalScore] = 0;
  }

  /** Erasure: the user's vectors as a viewer and as a creator, in both models. */
  forgetUser(id: string): void {
    this.ranker.forgetUser(id);
    this.retrieval.forgetUser(id);
    this.input = new RankerInput();
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
