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
      batch: budget,
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
    .strictObject({ following: weight, fresh: weight, coEngagement: weight, topic: weight, onboarding: weight, batch: weight })
    .describe(
      'added to the value: following for followed accounts, fresh × freshness for new uploads, coEngagement × ' +
        'co-engagement strength, topic × the topic’s share of your engagement, onboarding × how new you are, ' +
        'batch × the batch model’s calibrated prior for its pick (1 for its first pick)',
    ),
  onboardingPositives: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .describe('onboarding interests are used until the user has this many recent positive engagements'),
  maxPerHashtagPerPage: z.number().int().min(1).max(100).describe('diversity: items sharing a hashtag per page'),
  freshExposure: z
    .strictObject({
      firstPool: z.number().int().min(1).max(1_000_000).describe('impressions every new video gets at stage 0'),
      growth: z.number().min(1).max(100).describe('stage k allows firstPool × growth^k impressions in all'),
      stages: z.number().int().min(1).max(20).describe('after the last stage a video leaves the fresh source'),
      goodWatchRatio: z.number().min(0).max(10).describe('a play watched to at least this ratio is a good view'),
      targetGoodRate: z.number().min(0).max(1).describe('a video holds up while its good-view rate is above this'),
      confidence: z.number().min(0.5).max(0.9999).describe('…with at least this posterior probability'),
      judgedShare: z.number().min(0).max(10).describe('a stage is judged once responses reach this share of its pool'),
    })
    .describe('staged exposure of new videos: each widens its audience only while its good-view rate holds up'),
  diversityWindow: z
    .number()
    .int()
    .min(1)
    .max(100)
    .describe('diversity: the hashtag cap holds in every run of this many consecutive items (a page of up to this size)'),
  explorationShare: z
    .number()
    .min(0)
    .max(1)
    .describe('share of page positions reserved for new videos of the fresh source (the best other one when none fits)'),
  batchBoostWithExposures: z
    .number()
    .min(0)
    .max(1)
    .describe(
      'share of the batch boost kept for a user whose log has an exposure (impression or skip) for every positive ' +
        'engagement: the prior stands in for the negatives a log of positives alone lacks, and the ranker, taught by ' +
        'real exposures, needs less of it (in between, the share falls linearly)',
    ),
  hideSoundAfterNotInterested: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .describe('a sound is hidden from a user once they marked this many videos with it "not interested"'),
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
  sourceBudgets: { trending: 200, fresh: 100, following: 100, coEngagement: 100, embedding: 50, topic: 100, onboarding: 100, batch: 60 },
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
  sourceBoosts: { following: 1, fresh: 0.3, coEngagement: 0.3, topic: 0.3, onboarding: 1.5, batch: 3 },
  onboardingPositives: 10,
  maxPerHashtagPerPage: 5,
  freshExposure: {
    firstPool: 20,
    growth: 4,
    stages: 5,
    goodWatchRatio: 0.5,
    targetGoodRate: 0.4,
    confidence: 0.8,
    judgedShare: 0.5,
  },
  diversityWindow: 10,
  explorationShare: 0.1,
  batchBoostWithExposures: 0.1,
  hideSoundAfterNotInterested: 2,
  preRankKeep: 140,
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
    'Candidates come from accounts you follow, videos trending in your region, new uploads, videos others watched ' +
      'alongside ones you liked, the hashtags and sounds you engage with, the interests you picked, and videos whose ' +
      'learned profile is closest to yours (nearest-neighbour search over the retrieval model’s video vectors), and the ' +
      'picks of a batch model fitted on everyone’s history (people who engaged with what you engaged with also ' +
      'engaged with these); you never see a ' +
      'video twice, nor videos of creators you marked "not interested".',
    `Personalised ranking: each candidate's value is a weighted sum of predictions a model learns from what you ` +
      `watch, like, share and skip, updated with every event. Weights: ${signals
        .map((s) => `${SIGNAL_NAMES[s.key]} × ${s.weight}`)
        .join('; ')}.`,
    `Accounts you follow get +${config.sourceBoosts.following}; new uploads get up to +${config.sourceBoosts.fresh} ` +
      `while younger than ${hours(config.freshWindowMs)}.`,
    `Videos watched by people who liked what you recently liked get up to +${config.sourceBoosts.coEngagement}; ` +
      `videos of the hashtags and sounds you engage with most get up to +${config.sourceBoosts.topic}. A new user ` +
      `who picked interests gets the most engaged-with videos of those hashtags, with up to ` +
      `+${config.sourceBoosts.onboarding}, fading out as their own likes and finished plays accumulate (gone at ` +
      `${config.onboardingPositives} among their recent engagements).`,
    describeFreshExposure(config),
    `Trending counts engagement with a half-life of ${hours(config.trendingHalfLifeMs)}: a play counts its watch ` +
      `ratio (at most 2) × ${config.trendingWeights.play}, a like ${config.trendingWeights.like}, a share ` +
      `${config.trendingWeights.share}, a comment ${config.trendingWeights.comment}, a skip ` +
      `${config.trendingWeights.skip}, "not interested" ${config.trendingWeights.not_interested}.`,
    `Diversity: never two videos of the same creator or the same sound in a row, at most ` +
      `${config.maxPerHashtagPerPage} videos sharing a hashtag in any ${config.diversityWindow} in a row; ` +
      `${Math.round(config.explorationShare * 100)}% of the positions go to new uploads being tried out.`,
    'Never shown: videos you have seen, creators and sounds you blocked, creators you marked "not interested" ' +
      `(and a sound once you marked ${config.hideSoundAfterNotInterested} of its videos), videos not allowed in ` +
      'your region, and adult videos to minors.',
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

function describeFreshExposure(config: AlgorithmConfig): string {
  const e = config.freshExposure;
  const pools = Array.from({ length: e.stages }, (_, k) => Math.round(e.firstPool * e.growth ** k));
  return (
    `New uploads are tried with a small audience first: ${pools[0]} viewers, then ${pools.slice(1).join(', ')} in ` +
    `all, widening only while at least ${Math.round(e.targetGoodRate * 100)}% of responses are good (watched to ` +
    `${Math.round(e.goodWatchRatio * 100)}% of the length, or a like, share or comment) with ` +
    `${Math.round(e.confidence * 100)}% confidence. Among the uploads being tried, each request draws a plausible ` +
    'good-view rate for each from what viewers did so far and takes the highest draws (Thompson sampling); the ' +
    'draw, between 0 and 1, is the freshness that scales their boost.'
  );
}
