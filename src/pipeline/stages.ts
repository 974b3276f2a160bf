/** The stage contracts of the feed pipeline: candidate sources → filters → scorer → re-ranker → page. */
import type { AlgorithmConfig } from '../core/algorithm.js';
import type { FeedMode } from '../core/schemas.js';
import type { OnlineState } from '../features/online-state.js';
import type { UserState } from '../features/user-state.js';
import type { CandidateSet } from './candidates.js';

export interface FeedRequest {
  user: UserState;
  mode: FeedMode;
  n: number;
  now: number;
  state: OnlineState;
  algorithm: AlgorithmConfig;
  /** The video served just before this page (from the cursor), so in-a-row diversity rules hold across pages. */
  previous?: number | undefined;
}

export interface CandidateSource {
  /** Appears in the candidates' `sources` and in reasons. */
  readonly name: string;
  /** Position of this source in the candidates' source mask. */
  readonly bit: number;
  retrieve(request: FeedRequest, candidates: CandidateSet): void;
}

export interface Filter {
  readonly name: string;
  /** False removes the candidate. */
  keep(request: FeedRequest, vidx: number): boolean;
  /** Why `keep` removes this video, in plain language (called only when it does). */
  why(request: FeedRequest, vidx: number): string;
}

export interface Scorer {
  readonly name: string;
  /** Writes `candidates.score` for every kept candidate. */
  score(request: FeedRequest, candidates: CandidateSet): void;
  /** Plain-language reasons for one candidate's score, strongest first. */
  explain(request: FeedRequest, candidates: CandidateSet, slot: number): string[];
  /** The terms of one scored candidate's value, for the explain endpoint: Σ contribution = value. */
  breakdown(request: FeedRequest, candidates: CandidateSet, slot: number): ScoreTerm[];
}

/** One term of a score: what the scorer read (`input`, e.g. a prediction), its weight, and weight × input. */
export interface ScoreTerm {
  name: string;
  input: number;
  weight: number;
  contribution: number;
}

export interface ReRanker {
  readonly name: string;
  /** Chooses up to `request.n` kept slots, in page order. */
  select(request: FeedRequest, candidates: CandidateSet): number[];
  /** Replays `select` for one kept slot: where it landed, or which rule held it back. */
  explainSelection(request: FeedRequest, candidates: CandidateSet, slot: number): RerankVerdict;
}

/** The re-ranker rules a candidate can be held back by; `exploration`: its position was reserved for a new video. */
export type RerankRule = 'creator' | 'sound' | 'hashtag' | 'exploration';

export interface RerankVerdict {
  /** 1-based rank by score among the candidates that passed the filters. */
  rank: number;
  /** 0-based position in the selected list, -1 when not selected. */
  position: number;
  /** Whether that position was an exploration slot. */
  exploration: boolean;
  /** Each position the candidate would otherwise have taken, and the rule that kept it out. */
  heldBack: Array<{ position: number; rule: RerankRule }>;
}
