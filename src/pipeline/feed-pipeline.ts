/**
 * The feed, declared as its stages. Reading this file tells the algorithm: which sources feed each mode, which
 * filters every candidate must pass, how candidates are scored and how the page is chosen.
 */
import { CandidateSet } from './candidates.js';
import { DiversityReRanker } from './diversity-reranker.js';
import { EngagementScorer } from './engagement-scorer.js';
import { PreRanker } from './pre-ranker.js';
import { creatorFilter, liveFilter, seenFilter } from './filters/filters.js';
import { ValueScorer } from './value-scorer.js';
import { FollowingSource } from './sources/following-source.js';
import { FreshSource } from './sources/fresh-source.js';
import { TrendingSource } from './sources/trending-source.js';
import type { CandidateSource, FeedRequest, Filter, ReRanker, Scorer } from './stages.js';

/** Each source's position in the candidates' source mask; SOURCE_NAMES lists them in the same order. */
const BITS = {
  following: 0,
  trending: 1,
  fresh: 2,
  catalogue: 3,
  coEngagement: 4,
  embedding: 5,
  topic: 6,
  onboarding: 7,
} as const;

export interface StagePlan {
  sources: CandidateSource[];
  /** Runs only when the sources above leave fewer candidates than the page needs. */
  backfill: CandidateSource[];
  filters: Filter[];
  /** Cuts the filtered candidates to the algorithm's `preRankKeep` before the (costly) scorer. */
  preRanker?: PreRanker;
  scorer: Scorer;
  reRanker: ReRanker;
}

const popularityScorer = new EngagementScorer(BITS);
const valueScorer = new ValueScorer(BITS);
const reRanker = new DiversityReRanker();
const catalogue = new FreshSource(BITS.catalogue, true);

export const PERSONALIZED: StagePlan = {
  sources: [new FollowingSource(BITS.following), new TrendingSource(BITS.trending), new FreshSource(BITS.fresh)],
  backfill: [catalogue],
  filters: [liveFilter, seenFilter, creatorFilter],
  preRanker: new PreRanker(BITS),
  scorer: valueScorer,
  reRanker,
};

/** No profile, no history: popular in the region plus fresh (DSA Art. 38). Pages by offset. */
export const NON_PERSONALIZED: StagePlan = {
  sources: [new TrendingSource(BITS.trending), new FreshSource(BITS.fresh)],
  backfill: [],
  filters: [liveFilter],
  scorer: popularityScorer,
  reRanker,
};

export const SOURCE_NAMES: readonly string[] = [
  'following',
  'trending',
  'fresh',
  'catalogue',
  'co-engagement',
  'embedding',
  'topic',
  'onboarding',
];

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
    let kept = this.filter(plan.filters, request, candidates, 0);
    for (const source of plan.backfill) {
      if (kept >= pageSize) break;
      const before = candidates.size;
      source.retrieve({ ...request, n: pageSize }, candidates);
      kept += this.filter(plan.filters, request, candidates, before);
    }
    plan.preRanker?.select(request, candidates);
    plan.scorer.score(request, candidates);
    return { candidates, page: plan.reRanker.select({ ...request, n: pageSize }, candidates) };
  }

  private filter(filters: Filter[], request: FeedRequest, candidates: CandidateSet, from: number): number {
    let kept = 0;
    for (let slot = from; slot < candidates.size; slot++) {
      const vidx = candidates.vidx[slot]!;
      let keep = 1;
      for (const filter of filters) {
        if (!filter.keep(request, vidx)) {
          keep = 0;
          break;
        }
      }
      candidates.kept[slot] = keep;
      kept += keep;
    }
    return kept;
  }
}
