/**
 * The feed, declared as its stages. Reading this file tells the algorithm: which sources feed each mode, which
 * filters every candidate must pass, how candidates are scored and how the page is chosen.
 */
import { CandidateSet } from './candidates.js';
import { DiversityReRanker } from './diversity-reranker.js';
import { EngagementScorer } from './engagement-scorer.js';
import { SAFETY_FILTERS, creatorFilter, passesSafetyFilters, seenFilter, soundFilter } from './filters/filters.js';
import { PreRanker } from './pre-ranker.js';
import { ValueScorer } from './value-scorer.js';
import { CoEngagementSource } from './sources/co-engagement-source.js';
import { CatalogueSource } from './sources/catalogue-source.js';
import { EmbeddingSource } from './sources/embedding-source.js';
import { FollowingSource } from './sources/following-source.js';
import { FreshSource } from './sources/fresh-source.js';
import { OnboardingSource } from './sources/onboarding-source.js';
import { TopicSource } from './sources/topic-source.js';
import { TrendingSource } from './sources/trending-source.js';
import { BatchSource } from './sources/batch-source.js';
import { BITS, SOURCE_NAMES } from './source-bits.js';
import type { CandidateSource, FeedRequest, Filter, ReRanker, Scorer } from './stages.js';

export interface StagePlan {
  sources: CandidateSource[];
  /**
   * Runs only when the sources above leave fewer candidates than the page needs, or the diversity rules leave the
   * page short; each run adds candidates not proposed yet.
   */
  backfill: CandidateSource[];
  filters: Filter[];
  /**
   * The same verdict as every one of `filters`, in one call: the filters run on every candidate, and a call through
   * the list per filter and candidate costs more than the checks. `filters` stay the definition (explain names them).
   */
  admit?: (request: FeedRequest, vidx: number) => boolean;
  /** Cuts the filtered candidates to the algorithm's `preRankKeep` before the (costly) scorer. */
  preRanker?: PreRanker;
  scorer: Scorer;
  reRanker: ReRanker;
}

const popularityScorer = new EngagementScorer(BITS);
const valueScorer = new ValueScorer(BITS);
const reRanker = new DiversityReRanker(BITS.fresh);
const catalogue = new CatalogueSource(BITS.catalogue);

export const PERSONALIZED: StagePlan = {
  sources: [
    new FollowingSource(BITS.following),
    new TrendingSource(BITS.trending),
    new FreshSource(BITS.fresh),
    new CoEngagementSource(BITS.coEngagement),
    new TopicSource(BITS.topic),
    new OnboardingSource(BITS.onboarding),
    new EmbeddingSource(BITS.embedding),
    new BatchSource(BITS.batch),
  ],
  backfill: [catalogue],
  filters: [...SAFETY_FILTERS, seenFilter, creatorFilter, soundFilter],
  admit: (request, vidx) =>
    passesSafetyFilters(request, vidx) &&
    seenFilter.keep(request, vidx) &&
    creatorFilter.keep(request, vidx) &&
    soundFilter.keep(request, vidx),
  preRanker: new PreRanker(BITS),
  scorer: valueScorer,
  reRanker,
};

/**
 * No profile, no history: popular in the region plus fresh (DSA Art. 38). Pages by offset. Reads only the user's
 * region and the safety rules (their blocks, minor setting); never what they saw, followed or marked.
 */
export const NON_PERSONALIZED: StagePlan = {
  sources: [new TrendingSource(BITS.trending), new FreshSource(BITS.fresh)],
  backfill: [catalogue],
  filters: [...SAFETY_FILTERS],
  admit: passesSafetyFilters,
  scorer: popularityScorer,
  reRanker,
};

export { SOURCE_NAMES };

/** Every source of a plan sits at its own bit, under the name that bit stands for: a wrong bit fails at load. */
function checkPlan(plan: StagePlan): StagePlan {
  for (const source of [...plan.sources, ...plan.backfill]) {
    if (SOURCE_NAMES[source.bit] !== source.name) {
      throw new Error(`source "${source.name}" sits at bit ${source.bit}, which is "${SOURCE_NAMES[source.bit]}"'s`);
    }
  }
  return plan;
}
checkPlan(PERSONALIZED);
checkPlan(NON_PERSONALIZED);

/** Backfill rounds when diversity rules leave a page short; each adds up to 3 × page size candidates. */
const WIDENING_ROUNDS = 3;

export interface PipelineResult {
  candidates: CandidateSet;
  /** Chosen candidate slots in page order. */
  page: number[];
}

/** Runs one plan; the returned candidate set is reused by the next call, so read it before running again. */
export class FeedPipeline {
  private readonly candidates = new CandidateSet();

  run(plan: StagePlan, request: FeedRequest, pageSize = request.n): PipelineResult {
    const candidates = this.candidates;
    candidates.reset(request.state.catalog.size);
    for (const source of plan.sources) source.retrieve(request, candidates);
    let kept = this.filter(plan, request, candidates, 0);
    const pageRequest = { ...request, n: pageSize };
    for (const source of plan.backfill) {
      if (kept >= pageSize) break;
      const before = candidates.size;
      source.retrieve(pageRequest, candidates);
      kept += this.filter(plan, request, candidates, before);
    }
    plan.preRanker?.select(request, candidates);
    plan.scorer.score(request, candidates);
    let page = plan.reRanker.select(pageRequest, candidates);
    // The diversity rules are never relaxed, so enough candidates can still make a short page (e.g. most from one
    // creator): widen with the backfill a few rounds before settling for a short page.
    for (let round = 0; round < WIDENING_ROUNDS && page.length < pageSize; round++) {
      const before = candidates.size;
      for (const source of plan.backfill) source.retrieve(pageRequest, candidates);
      if (candidates.size === before) break;
      this.filter(plan, request, candidates, before);
      plan.scorer.score(request, candidates);
      page = plan.reRanker.select(pageRequest, candidates);
    }
    return { candidates, page };
  }

  private filter(plan: StagePlan, request: FeedRequest, candidates: CandidateSet, from: number): number {
    let kept = 0;
    const { admit, filters } = plan;
    for (let slot = from; slot < candidates.size; slot++) {
      const vidx = candidates.vidx[slot]!;
      let keep = 1;
      if (admit !== undefined) {
        keep = admit(request, vidx) ? 1 : 0;
      } else {
        for (const filter of filters) {
          if (!filter.keep(request, vidx)) {
            keep = 0;
            break;
          }
        }
      }
      candidates.kept[slot] = keep;
      kept += keep;
    }
    return kept;
  }
}
