/**
 * The batch model in serving: the latest model `foryou train` (or the serving retrainer) saved, with every user's
 * history folded in online. A user's history is their training row plus every positive engagement logged after the
 * position the model was fitted up to, so a like changes the model's picks on the very next page, long before the
 * next refit. Scoring a history is the model's own fold-in (`scoreHistory`: an iALS user solve, EASE's and
 * RP3beta's item-to-item sums), the same call the offline evaluation and the rank calibration make.
 */
import type { EventType } from '../core/schemas.js';
import type { BatchArtifact } from '../models/batch-artifact.js';
import { DEFAULT_ENGAGEMENT, engagementStrength } from '../models/engagement.js';
import { topK } from '../models/top-k.js';
import type { VideoCatalog } from './video-catalog.js';

export interface BatchModelInfo {
  /** The model's name (`best`, `ials`, …) and its snapshot version: together, what explanations and audits name. */
  name: string;
  version: number;
  /** The log position of the last event it was fitted on. */
  seq: number;
  trainedAt: number;
}

/** Positive engagements logged after the model's position, per user: model item indices with their strengths. */
interface Additions {
  items: number[];
  strengths: number[];
}

/** How deep a user's deeper picks reach, and how many users' are kept (2 KB each). */
const DEEP_PICKS = 500;
const DEEP_USERS = 10_000;

export class BatchModelState {
  /** Model item index → catalogue number, -1 while the catalogue does not hold the video. */
  readonly itemVidx: Int32Array;
  private readonly itemIndex: Map<string, number>;
  private readonly userRow: Map<string, number>;
  private readonly additions = new Map<string, Additions>();
  /** Scratch of one history: strength per model item (0 = not in it), and the items set. */
  private readonly strength: Float32Array;
  private touched: number[] = [];
  /** The history `scoreUser` scored last, ascending. */
  private history = new Int32Array(0);
  readonly scores: Float32Array;
  /** Picks of users folded in online since the fit, with the number of additions they were computed from. */
  private readonly folded = new Map<string, { additions: number; picks: Int32Array }>();
  private readonly topValues: Float64Array;
  /** Deeper picks (deepPicksFor) by user, least recently asked first, with the number of additions they saw. */
  private readonly deep = new Map<string, { additions: number; picks: Int32Array }>();
  private deepValues: Float64Array | undefined;

  constructor(
    readonly info: BatchModelInfo,
    /** Read from the store's model record, in memory every replica shares: not in a state snapshot (state-snapshot.ts). */
    public artifact: BatchArtifact,
    itemIds: readonly string[],
    userIds: readonly string[],
    catalog: VideoCatalog,
  ) {
    this.itemIndex = new Map(itemIds.map((id, i) => [id, i]));
    this.userRow = new Map(userIds.map((id, u) => [id, u]));
    this.itemVidx = new Int32Array(itemIds.length).fill(-1);
    for (let i = 0; i < itemIds.length; i++) this.itemVidx[i] = catalog.vidx(itemIds[i]!) ?? -1;
    this.strength = new Float32Array(itemIds.length);
    this.scores = new Float32Array(itemIds.length);
    this.topValues = new Float64Array(artifact.picksPerUser);
  }

  get numItems(): number {
    return this.itemVidx.length;
  }

  /** A video stored (or stored again) after the model loaded: the model's item, if it has one, now points at it. */
  videoPut(videoId: string, vidx: number): void {
    const item = this.itemIndex.get(videoId);
    if (item !== undefined) this.itemVidx[item] = vidx;
  }

  videoErased(videoId: string): void {
    const item = this.itemIndex.get(videoId);
    if (item !== undefined) this.itemVidx[item] = -1;
  }

  /** An event after the model's position: a positive engagement joins the user's history. */
  observe(user: string, videoId: string, type: EventType, watchRatio: number, seq: number | undefined): void {
    if (seq !== undefined && seq <= this.info.seq) return;
    const strength = engagementStrength(DEFAULT_ENGAGEMENT, type, watchRatio);
    if (strength <= 0) return;
    const item = this.itemIndex.get(videoId);
    if (item === undefined) return;
    let added = this.additions.get(user);
    if (!added) this.additions.set(user, (added = { items: [], strengths: [] }));
    added.items.push(item);
    added.strengths.push(strength);
  }

  /** Erasure or a profile reset: the model no longer folds the user in from anything they did. */
  forgetUser(user: string): void {
    this.userRow.delete(user);
    this.additions.delete(user);
    this.folded.delete(user);
    this.deep.delete(user);
  }

  /**
   * The user's best DEEP_PICKS model items, their history excluded (-1 ends a short list), for a user who was served
   * most of their picks: scored once per history and kept for the DEEP_USERS users who asked last. Scoring the whole
   * model on every request of such a user made a page cost grow with what the user had been served (2.3 → 8.6 ms of
   * CPU a feed over 40,000 pages of the 100k-video world). Undefined for a user the model cannot fold in.
   */
  deepPicksFor(user: string): Int32Array | undefined {
    const additions = this.additions.get(user)?.items.length ?? 0;
    const cached = this.deep.get(user);
    this.deep.delete(user);
    if (cached && cached.additions === additions) {
      this.deep.set(user, cached); // the most recently asked last: the first is the next to go
      return cached.picks;
    }
    if (!this.scoreUser(user)) return undefined;
    const picks = new Int32Array(Math.min(DEEP_PICKS, this.numItems)).fill(-1);
    this.deepValues ??= new Float64Array(DEEP_PICKS);
    topK(this.scores, picks.length, this.history, picks, this.deepValues);
    this.deep.set(user, { additions, picks });
    if (this.deep.size > DEEP_USERS) this.deep.delete(this.deep.keys().next().value!);
    return picks;
  }

  /**
   * The user's picks, best first (model items; -1 ends a short list), their history excluded: computed at the fit
   * for a user who has done nothing new since, else folded in now and kept until their next positive engagement.
   * Undefined for a user the model cannot fold in.
   */
  picksFor(user: string): Int32Array | undefined {
    const added = this.additions.get(user);
    const perUser = this.artifact.picksPerUser;
    if (!added) return this.fitPicks(user);
    const cached = this.folded.get(user);
    if (cached && cached.additions === added.items.length) return cached.picks;
    if (!this.scoreUser(user)) return undefined;
    const picks = new Int32Array(perUser).fill(-1);
    topK(this.scores, perUser, this.history, picks, this.topValues);
    this.folded.set(user, { additions: added.items.length, picks });
    return picks;
  }

  /**
   * Scores every model item for the user's history into `scores` (NaN-free); false when the user has no history the
   * model knows, so there is nothing to fold in.
   */
  scoreUser(user: string): boolean {
    const { artifact, strength } = this;
    const touched = this.touched;
    touched.length = 0;
    const row = this.userRow.get(user);
    if (row !== undefined) {
      for (let p = artifact.userPtr[row]!; p < artifact.userPtr[row + 1]!; p++) {
        const item = artifact.userItems[p]!;
        if (strength[item] === 0) touched.push(item);
        strength[item] = Math.max(strength[item]!, artifact.userWeights[p]!);
      }
    }
    const added = this.additions.get(user);
    if (added) {
      for (let a = 0; a < added.items.length; a++) {
        const item = added.items[a]!;
        if (strength[item] === 0) touched.push(item);
        strength[item] = Math.max(strength[item]!, added.strengths[a]!);
      }
    }
    if (touched.length === 0) return false;
    touched.sort((a, b) => a - b);
    const items = Int32Array.from(touched);
    this.history = items;
    const weights = new Float32Array(items.length);
    for (let t = 0; t < items.length; t++) {
      weights[t] = strength[items[t]!]!;
      strength[items[t]!] = 0;
    }
    artifact.model.scoreHistory(items, weights, this.scores);
    return true;
  }

  /**
   * The prior of the video for the user from their picks at the fit (0 when not among them): the ranker's
   * `retrievalScore` feature. The fit's picks, not today's fold-in, so that learning (every event) and scoring
   * read the same cheap number.
   */
  fitPrior(user: string, vidx: number): number {
    return this.priorAmong(this.fitPicks(user), vidx);
  }

  /** The user's picks at the fit (model items, -1 ends a short list), or undefined for a user it did not fit. */
  fitPicks(user: string): Int32Array | undefined {
    const row = this.userRow.get(user);
    const perUser = this.artifact.picksPerUser;
    return row === undefined ? undefined : this.artifact.picks.subarray(row * perUser, (row + 1) * perUser);
  }

  /** `fitPrior` with the user's `fitPicks` already looked up (a request reads them once for all its candidates). */
  priorAmong(picks: Int32Array | undefined, vidx: number): number {
    if (picks === undefined) return 0;
    for (let r = 0; r < picks.length; r++) {
      const item = picks[r]!;
      if (item < 0) break;
      if (this.itemVidx[item] === vidx) return this.relativePrior(r);
    }
    return 0;
  }

  /** The prior of engagement at a rank (0-based), relative to the top rank's: 1 for the model's first pick. */
  relativePrior(rank: number): number {
    const calibration = this.artifact.calibration;
    const top = calibration[0] ?? 0;
    if (!(top > 0)) return 1 / (1 + rank);
    return calibration[Math.min(rank, calibration.length - 1)]! / top;
  }

  /** The calibrated share of users who engaged with the item at this rank (0-based) in the held-out check. */
  hitRate(rank: number): number {
    const calibration = this.artifact.calibration;
    return calibration.length === 0 ? 0 : calibration[Math.min(rank, calibration.length - 1)]!;
  }
}
