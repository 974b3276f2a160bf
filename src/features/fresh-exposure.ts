/**
 * Staged exposure of new videos. Every live video younger than the fresh window is first shown to a small pool
 * (`firstPool` impressions); stage k allows firstPool × growth^k impressions in all, and a video moves up a stage
 * only while its posterior good-view rate holds up. Videos with room left in their stage form the compact
 * `exploring` list the fresh source samples from, so a request never scans the catalogue.
 *
 * Evidence: every response to a video is one Bernoulli observation of "a good view". Good: a play watched to at least
 * `goodWatchRatio` of its length, a like, a share, a comment. Bad: a shorter play, a skip, "not interested", a report.
 * (A liked full watch is two good observations on purpose: engagement is stronger evidence than watching alone.)
 * The posterior is Beta(1 + good, 1 + bad), a uniform prior.
 *
 * The stage is a pure function of (good, bad) — not a ratchet — so that replaying events and served items in any
 * interleaving (the rebuild replays all events, then all served items) gives the same stages, and a video whose
 * rate falls after a promotion drops back and leaves the fresh source: exposure widens only while it holds up.
 */
import type { AlgorithmConfig } from '../core/algorithm.js';
import type { EventType } from '../core/schemas.js';
import { betaSurvival } from '../models/beta-posterior.js';
import { grownFloat64, grownInt32 } from './growable.js';
import type { VideoCatalog } from './video-catalog.js';

export type FreshExposureConfig = AlgorithmConfig['freshExposure'];

/** The uniform Beta(1, 1) prior: a new video's good-view rate could be anything. */
export const PRIOR_GOOD = 1;
export const PRIOR_BAD = 1;

/** How many sweeps for aged-out videos happen per fresh window of serving time. */
const SWEEPS_PER_WINDOW = 64;

export class FreshExposure {
  /** Impressions served (feed items), per video. */
  served = new Int32Array(0);
  /** Good and bad observations, per video. */
  good = new Int32Array(0);
  bad = new Int32Array(0);
  /** Exposure stage, per video: 0 for the first pool. */
  stage = new Int32Array(0);
  /** Videos with room left in their stage, in no particular order; `exploringCount` of them are valid. */
  exploring = new Int32Array(1024);
  exploringCount = 0;
  /**
   * Each exploring video's good and bad observations and upload time, at its place in `exploring`: the fresh source
   * reads a thousand of them per request, and reading them here, in order, costs a fraction of three scattered
   * reads per video in million-row columns.
   */
  exploringGood = new Int32Array(1024);
  exploringBad = new Int32Array(1024);
  exploringCreatedAt = new Float64Array(1024);
  /**
   * Bumped whenever the evidence of an exploring video changes: a sample that must not vary per user (the
   * non-personalised feed) is seeded from it, so it is redrawn exactly when the posteriors it draws from change.
   */
  evidenceVersion = 0;
  /** Position of each video in `exploring`, −1 when absent. */
  private position = new Int32Array(0);
  /**
   * The latest serving time seen. Aging out is judged against it rather than against event or upload times, which
   * clients set: one event stamped in 2099 must not age every video out. Before anything was served (a first start
   * on an imported catalogue) every live video counts as young; the fresh source still checks age against the
   * request's time, and the first served item sweeps the old ones out.
   */
  private clock = Number.NEGATIVE_INFINITY;
  private nextSweepAt = Number.NEGATIVE_INFINITY;
  private readonly capOfStage: Float64Array;

  constructor(
    private readonly catalog: VideoCatalog,
    readonly config: FreshExposureConfig,
    private readonly windowMs: number,
  ) {
    this.capOfStage = Float64Array.from({ length: config.stages }, (_, k) =>
      Math.round(config.firstPool * config.growth ** k),
    );
  }

  /** Impressions a video may have in all at stage k. */
  cap(stage: number): number {
    return this.capOfStage[Math.min(stage, this.capOfStage.length - 1)]!;
  }

  /** A video was added or replaced (it may have gone live, or been removed). */
  putVideo(vidx: number): void {
    this.ensure(vidx + 1);
    this.refresh(vidx);
  }

  /** One accepted event about video `vidx`; `watchRatio` is NaN unless the event is a play or a skip. */
  observe(vidx: number, type: EventType, watchRatio: number): void {
    switch (type) {
      case 'play':
        if (watchRatio >= this.config.goodWatchRatio) this.good[vidx]!++;
        else this.bad[vidx]!++;
        break;
      case 'like':
      case 'share':
      case 'comment':
        this.good[vidx]!++;
        break;
      case 'unlike':
        if (this.good[vidx]! > 0) this.good[vidx]!--;
        break;
      case 'skip':
      case 'not_interested':
      case 'report':
        this.bad[vidx]!++;
        break;
      default:
        return;
    }
    const wasExploring = this.position[vidx]! >= 0;
    this.stage[vidx] = this.stageFor(this.good[vidx]!, this.bad[vidx]!);
    this.refresh(vidx);
    if (wasExploring || this.position[vidx]! >= 0) this.evidenceVersion++;
  }

  /** The video was put in a feed page at time `ts` (server time). */
  countServed(vidx: number, ts: number): void {
    this.served[vidx]!++;
    if (ts > this.clock) this.clock = ts;
    if (this.clock >= this.nextSweepAt) this.sweep();
    else this.refresh(vidx, false);
  }

  /** P(good-view rate > target) under the video's posterior. */
  holdsUpProbability(vidx: number): number {
    return betaSurvival(this.config.targetGoodRate, PRIOR_GOOD + this.good[vidx]!, PRIOR_BAD + this.bad[vidx]!);
  }

  /**
   * The stage earned by this evidence: none beyond 0 unless the rate holds up; otherwise one stage per pool whose
   * responses reached `judgedShare` of its size, so promotion comes before the pool runs dry and exposure does not
   * stall while responses arrive.
   */
  stageFor(good: number, bad: number): number {
    const { targetGoodRate, confidence, judgedShare } = this.config;
    if (betaSurvival(targetGoodRate, PRIOR_GOOD + good, PRIOR_BAD + bad) < confidence) return 0;
    const responses = good + bad;
    let stage = 0;
    while (stage < this.capOfStage.length - 1 && responses >= judgedShare * this.capOfStage[stage]!) stage++;
    return stage;
  }

  /** True while the video is live, young and has room left in its stage. */
  isExploring(vidx: number): boolean {
    return (
      this.catalog.live[vidx] === 1 &&
      this.catalog.createdAt[vidx]! >= this.clock - this.windowMs &&
      this.served[vidx]! < this.capOfStage[this.stage[vidx]!]!
    );
  }

  /** The video's exposure in plain numbers, for the video's page in the API. */
  describe(vidx: number): { served: number; stage: number; allowed: number; good: number; bad: number; exploring: boolean } {
    const stage = this.stage[vidx]!;
    return {
      served: this.served[vidx]!,
      stage,
      allowed: this.cap(stage),
      good: this.good[vidx]!,
      bad: this.bad[vidx]!,
      exploring: this.position[vidx]! >= 0,
    };
  }

  /** `changed`: the video's evidence or upload time may have changed, so its place in the list is rewritten. */
  private refresh(vidx: number, changed = true): void {
    const exploring = this.isExploring(vidx);
    const at = this.position[vidx]!;
    if (exploring && at < 0) this.add(vidx);
    else if (!exploring && at >= 0) this.remove(at);
    else if (exploring && changed) this.copyToPlace(vidx, at);
  }

  private copyToPlace(vidx: number, at: number): void {
    this.exploringGood[at] = this.good[vidx]!;
    this.exploringBad[at] = this.bad[vidx]!;
    this.exploringCreatedAt[at] = this.catalog.createdAt[vidx]!;
  }

  /** Drops every video that aged out; O(exploring), a few times per window of serving time. */
  private sweep(): void {
    for (let i = this.exploringCount - 1; i >= 0; i--) {
      if (!this.isExploring(this.exploring[i]!)) this.remove(i);
    }
    this.nextSweepAt = this.clock + this.windowMs / SWEEPS_PER_WINDOW;
  }

  private add(vidx: number): void {
    if (this.exploringCount === this.exploring.length) {
      const length = this.exploringCount + 1;
      this.exploring = grownInt32(this.exploring, length);
      this.exploringGood = grownInt32(this.exploringGood, length);
      this.exploringBad = grownInt32(this.exploringBad, length);
      this.exploringCreatedAt = grownFloat64(this.exploringCreatedAt, length);
    }
    const at = this.exploringCount++;
    this.position[vidx] = at;
    this.exploring[at] = vidx;
    this.copyToPlace(vidx, at);
  }

  /** Swap-remove: the last entry takes the freed place. */
  private remove(at: number): void {
    const vidx = this.exploring[at]!;
    const lastAt = --this.exploringCount;
    const last = this.exploring[lastAt]!;
    this.exploring[at] = last;
    this.exploringGood[at] = this.exploringGood[lastAt]!;
    this.exploringBad[at] = this.exploringBad[lastAt]!;
    this.exploringCreatedAt[at] = this.exploringCreatedAt[lastAt]!;
    this.position[last] = at;
    this.position[vidx] = -1;
  }

  private ensure(length: number): void {
    if (length <= this.served.length) return;
    const previous = this.position.length;
    this.served = grownInt32(this.served, length);
    this.good = grownInt32(this.good, length);
    this.bad = grownInt32(this.bad, length);
    this.stage = grownInt32(this.stage, length);
    this.position = grownInt32(this.position, length);
    this.position.fill(-1, previous);
  }
}
