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
}

export interface ReRanker {
  readonly name: string;
  /** Chooses up to `request.n` kept slots, in page order. */
  select(request: FeedRequest, candidates: CandidateSet): number[];
}
