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
  /** Weights of the non-personalised scorer, which uses no profile: popularity, freshness and observed quality. */
  scoreWeights: { trending: number; fresh: number; following: number; quality: number };
  /**
   * The value of showing a video = Σ weight × the ranker's prediction for this user. Negative weights for negative
   * actions. Keys are the ranker's heads.
   */
  valueWeights: {
    play: number;
    watchRatio: number;
    finish: number;
    like: number;
    share: number;
    comment: number;
    follow: number;
    skip: number;
    notInterested: number;
  };
  /**
   * Added to a candidate's value when a source proposed it: `following` for accounts the user follows, `fresh` times
   * the video's freshness (1 when just posted) so new uploads get a first audience.
   */
  sourceBoosts: { following: number; fresh: number };
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
  valueWeights: {
    play: 0.5,
    watchRatio: 1,
    finish: 1,
    like: 2,
    share: 3,
    comment: 2,
    follow: 4,
    skip: -1,
    notInterested: -8,
  },
  sourceBoosts: { following: 1, fresh: 0.3 },
  maxPerHashtagPerPage: 2,
};
