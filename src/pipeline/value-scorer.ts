/**
 * The personalised scorer: the online ranker predicts every head for this user and candidate, and the value of
 * showing it is Σ weight × prediction with the weights of the active algorithm config. Reasons name the
 * predictions that contributed most.
 */
import type { AlgorithmConfig } from '../core/algorithm.js';
import { HEAD_COUNT, HEADS, type Head } from '../models/online/heads.js';
import { RankerInput } from '../models/online/ranker-input.js';
import { RankerFeatures } from '../features/ranker-features.js';
import { MAX_SOURCES, type CandidateSet } from './candidates.js';
import { sourceReasons, type SourceBits } from './source-reasons.js';
import type { FeedRequest, Scorer, ScoreTerm } from './stages.js';

const PHRASES: Record<Head, (p: number) => string> = {
  play: (p) => `${percent(p)} chance you watch it`,
  watchRatio: (p) => `you would likely watch ${percent(Math.min(p, 3))} of its length`,
  finish: (p) => `${percent(p)} chance you watch it to the end`,
  like: (p) => `${percent(p)} chance you like it`,
  share: (p) => `${percent(p)} chance you share it`,
  comment: (p) => `${percent(p)} chance you comment`,
  follow: (p) => `${percent(p)} chance you follow the creator`,
  skip: (p) => `${percent(p)} chance you skip it`,
  notInterested: (p) => `${percent(p)} chance you mark it not interested`,
};

/**
 * Sources whose candidates get a published boost on top of the predicted value: a constant for followed accounts,
 * the rest scaled by the source's raw score (freshness draw, co-engagement strength, topic weight, newness).
 */
type BoostedSource = keyof AlgorithmConfig['sourceBoosts'];
const BOOSTED_SOURCES: ReadonlyArray<{ source: BoostedSource; scaledByRaw: boolean }> = [
  { source: 'following', scaledByRaw: false },
  { source: 'fresh', scaledByRaw: true },
  { source: 'coEngagement', scaledByRaw: true },
  { source: 'topic', scaledByRaw: true },
  { source: 'onboarding', scaledByRaw: true },
  { source: 'batch', scaledByRaw: true },
];

/**
 * How much of the batch boost applies to this user: all of it while their log holds positives only (imported from a
 * system that kept what users chose, nothing of what they passed over), `batchBoostWithExposures` of it once it has
 * an exposure for every positive engagement, linearly in between.
 */
export function batchBoostShare(request: FeedRequest): number {
  const { exposures, positives } = request.user;
  const floor = request.algorithm.batchBoostWithExposures;
  if (positives === 0) return 1;
  return floor + (1 - floor) * Math.max(0, 1 - exposures / positives);
}

/** The weight of a source's boost for this request: the published one, the batch boost scaled by its share. */
function boostWeight(source: BoostedSource, boosts: AlgorithmConfig['sourceBoosts'], batchShare: number): number {
  return source === 'batch' ? boosts.batch * batchShare : boosts[source];
}

/** The sum of the published boosts of the sources that proposed the candidate in `slot`. */
export function sourceBoost(
  candidates: CandidateSet,
  slot: number,
  bits: SourceBits,
  boosts: AlgorithmConfig['sourceBoosts'],
  batchShare: number,
): number {
  const mask = candidates.sourceMask[slot]!;
  let boost = 0;
  for (let b = 0; b < BOOSTED_SOURCES.length; b++) {
    const { source, scaledByRaw } = BOOSTED_SOURCES[b]!;
    const bit = bits[source];
    if ((mask & (1 << bit)) === 0) continue;
    boost += boostWeight(source, boosts, batchShare) * (scaledByRaw ? candidates.rawScore[slot * MAX_SOURCES + bit]! : 1);
  }
  return boost;
}

export class ValueScorer implements Scorer {
  readonly name = 'value-scorer';
  private readonly input = new RankerInput();
  private readonly features = new RankerFeatures();
  private readonly predictions = new Float64Array(HEAD_COUNT);
  private readonly weights = new Float64Array(HEAD_COUNT);
  /** Per-candidate predictions of the last request, kept for explanations: slot × HEAD_COUNT. */
  private lastPredictions = new Float64Array(1024 * HEAD_COUNT);

  constructor(private readonly bits: SourceBits) {}

  score(request: FeedRequest, candidates: CandidateSet): void {
    const ranker = request.state.learner!.ranker;
    const valueWeights = request.algorithm.valueWeights;
    const boosts = request.algorithm.sourceBoosts;
    for (let k = 0; k < HEAD_COUNT; k++) this.weights[k] = valueWeights[HEADS[k]!];
    if (this.lastPredictions.length < candidates.size * HEAD_COUNT) {
      this.lastPredictions = new Float64Array(candidates.size * HEAD_COUNT * 2);
    }
    this.features.begin(request.state, request.user);
    const batchShare = batchBoostShare(request);
    for (let slot = 0; slot < candidates.size; slot++) {
      if (candidates.kept[slot] === 0) continue;
      this.features.fill(candidates.vidx[slot]!, request.now, this.input);
      ranker.predict(this.input, this.predictions);
      let value = 0;
      for (let k = 0; k < HEAD_COUNT; k++) {
        value += this.weights[k]! * this.predictions[k]!;
        this.lastPredictions[slot * HEAD_COUNT + k] = this.predictions[k]!;
      }
      value += sourceBoost(candidates, slot, this.bits, boosts, batchShare);
      candidates.score[slot] = value;
    }
  }

  explain(request: FeedRequest, candidates: CandidateSet, slot: number): string[] {
    const valueWeights = request.algorithm.valueWeights;
    const contributions = HEADS.map((head, k) => {
      const p = this.lastPredictions[slot * HEAD_COUNT + k]!;
      return { head, p, contribution: valueWeights[head] * p };
    });
    return contributions
      .filter((c) => c.contribution > 0.05)
      .sort((a, b) => b.contribution - a.contribution)
      .slice(0, 3)
      .map((c) => `${this.name}: ${PHRASES[c.head](c.p)} (${c.head} × ${valueWeights[c.head]})`)
      .concat(sourceReasons(request, candidates, slot, this.bits));
  }

  breakdown(request: FeedRequest, candidates: CandidateSet, slot: number): ScoreTerm[] {
    const { valueWeights, sourceBoosts } = request.algorithm;
    const terms: ScoreTerm[] = HEADS.map((head, k) => {
      const p = this.lastPredictions[slot * HEAD_COUNT + k]!;
      return { name: head, input: p, weight: valueWeights[head], contribution: valueWeights[head] * p };
    });
    const mask = candidates.sourceMask[slot]!;
    const batchShare = batchBoostShare(request);
    for (const { source, scaledByRaw } of BOOSTED_SOURCES) {
      const bit = this.bits[source];
      if ((mask & (1 << bit)) === 0) continue;
      const input = scaledByRaw ? candidates.rawScore[slot * MAX_SOURCES + bit]! : 1;
      const weight = boostWeight(source, sourceBoosts, batchShare);
      terms.push({ name: `${source} boost`, input, weight, contribution: weight * input });
    }
    return terms;
  }
}

function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}
