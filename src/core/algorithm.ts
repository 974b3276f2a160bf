/**
 * The ranking parameters in one object: what the feed weighs and how. Later issues make it a versioned, audited
 * config held in the store; today it is the published default.
 */
import type { EventType } from './schemas.js';

export interface AlgorithmConfig {
  /** Half-life of engagement in the trending score. */
  trendingHalfLifeMs: number;
  /** How much one event adds to a video's trending engagement; a play adds `play × min(watchRatio, 2)`. */
  trendingWeights: Record<EventType, number>;
  /** How many candidates each source may return. */
  sourceBudgets: { trending: number; fresh: number; following: number };
  /** A video younger than this is "fresh". */
  freshWindowMs: number;
  /** Scorer weights (issue 2's heuristic scorer). */
  scoreWeights: { trending: number; fresh: number; following: number; quality: number };
  /** Diversity: at most this many items with the same hashtag in one page; never the same creator back to back. */
  maxPerHashtagPerPage: number;
}

export const DEFAULT_ALGORITHM: AlgorithmConfig = {
  trendingHalfLifeMs: 24 * 3600 * 1000,
  trendingWeights: {
    impression: 0,
    play: 1,
    like: 2,
    unlike: -2,
    share: 4,
    comment: 2,
    follow: 3,
    unfollow: 0,
    skip: -0.3,
    not_interested: -2,
    report: -4,
  },
  sourceBudgets: { trending: 300, fresh: 100, following: 100 },
  freshWindowMs: 3 * 24 * 3600 * 1000,
  scoreWeights: { trending: 1, fresh: 0.6, following: 1.2, quality: 1 },
  maxPerHashtagPerPage: 2,
};
