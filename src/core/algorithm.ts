/**
 * The ranking parameters in one object: what the feed weighs and how. Held in the store as numbered versions —
 * a change makes a new version, never an edit in place — and published in plain language at GET /v1/algorithm.
 * The schema is the one source of validation, the TypeScript type and the API document.
 */
import { z } from 'zod';
import { EVENT_TYPES } from './schemas.js';

const weight = z.number().min(-100).max(100);
const budget = z.number().int().min(0).max(10_000);
const HOUR_MS = 3_600_000;

export const AlgorithmConfigSchema = z.strictObject({
  trendingHalfLifeMs: z.number().int().min(60_000).max(365 * 24 * HOUR_MS).describe('half-life of engagement in trending'),
  trendingWeights: z
    .strictObject(Object.fromEntries(EVENT_TYPES.map((type) => [type, weight])) as Record<(typeof EVENT_TYPES)[number], typeof weight>)
    .describe('what one event adds to a video’s trending engagement; a play adds play × min(watch ratio, 2)'),
  sourceBudgets: z
    .strictObject({
      trending: budget,
      fresh: budget,
      following: budget,
      coEngagement: budget,
      embedding: budget,
      topic: budget,
      onboarding: budget,
    })
    .describe('candidates per source'),
  freshWindowMs: z.number().int().min(60_000).max(365 * 24 * HOUR_MS).describe('a video younger than this is fresh'),
  scoreWeights: z
    .strictObject({ trending: weight, fresh: weight, following: weight, quality: weight })
    .describe('the non-personalised scorer: popularity, freshness and observed quality, no profile'),
  valueWeights: z
    .strictObject({
      play: weight,
      watchRatio: weight,
      finish: weight,
      like: weight,
      share: weight,
      comment: weight,
      follow: weight,
      skip: weight,
      notInterested: weight,
    })
    .describe('value of showing a video = Σ weight × the ranker’s prediction for this user'),
  sourceBoosts: z
    .strictObject({ following: weight, fresh: weight })
    .describe('added to the value: following for followed accounts, fresh × freshness for new uploads'),
  maxPerHashtagPerPage: z.number().int().min(1).max(100).describe('diversity: items sharing a hashtag per page'),
  preRankKeep: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .describe('cascade: candidates kept by a cheap estimate of their value for the personalised ranker (0: all)'),
});

export type AlgorithmConfig = z.infer<typeof AlgorithmConfigSchema>;

export const DEFAULT_ALGORITHM: AlgorithmConfig = {
  trendingHalfLifeMs: 24 * HOUR_MS,
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
  sourceBudgets: { trending: 300, fresh: 100, following: 100, coEngagement: 100, embedding: 200, topic: 100, onboarding: 100 },
  freshWindowMs: 72 * HOUR_MS,
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
  preRankKeep: 150,
};

const SIGNAL_NAMES: Record<keyof AlgorithmConfig['valueWeights'], string> = {
  play: 'the chance you watch it',
  watchRatio: 'how much of it you are expected to watch',
  finish: 'the chance you watch it to the end',
  like: 'the chance you like it',
  share: 'the chance you share it',
  comment: 'the chance you comment',
  follow: 'the chance you follow the creator',
  skip: 'the chance you skip it',
  notInterested: 'the chance you mark it "not interested"',
};

/** The main parameters in plain language (EU DSA Art. 27): what the feed weighs, and how much. */
export function describeAlgorithm(config: AlgorithmConfig): string[] {
  const hours = (ms: number) => `${Math.round(ms / HOUR_MS)} hours`;
  const signals = (Object.keys(SIGNAL_NAMES) as Array<keyof typeof SIGNAL_NAMES>)
    .map((key) => ({ key, weight: config.valueWeights[key] }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return [
    'Candidates come from accounts you follow, videos trending in your region, and new uploads; you never see a ' +
      'video twice, nor videos of creators you marked "not interested".',
    `Personalised ranking: each candidate's value is a weighted sum of predictions a model learns from what you ` +
      `watch, like, share and skip, updated with every event. Weights: ${signals
        .map((s) => `${SIGNAL_NAMES[s.key]} × ${s.weight}`)
        .join('; ')}.`,
    `Accounts you follow get +${config.sourceBoosts.following}; new uploads get up to +${config.sourceBoosts.fresh} ` +
      `while younger than ${hours(config.freshWindowMs)}.`,
    `Trending counts engagement with a half-life of ${hours(config.trendingHalfLifeMs)}: a play counts its watch ` +
      `ratio (at most 2) × ${config.trendingWeights.play}, a like ${config.trendingWeights.like}, a share ` +
      `${config.trendingWeights.share}, a comment ${config.trendingWeights.comment}, a skip ` +
      `${config.trendingWeights.skip}, "not interested" ${config.trendingWeights.not_interested}.`,
    `Diversity: never two videos of the same creator in a row, at most ${config.maxPerHashtagPerPage} videos ` +
      'sharing a hashtag in a page.',
    ...(config.preRankKeep > 0
      ? [
          `Before the personalised ranking, the ${config.preRankKeep} most promising candidates are picked by a ` +
            "quick estimate: each video's watch, finish, like and skip rates so far, how well its hashtags match " +
            'what you recently enjoyed, and the boosts above.',
        ]
      : []),
    'The non-personalised feed uses no profile or history: trending in your region and new uploads, ranked by ' +
      `popularity × ${config.scoreWeights.trending}, freshness × ${config.scoreWeights.fresh} and observed quality ` +
      `× ${config.scoreWeights.quality}.`,
  ];
}
