import { hashtagStanding, topicProfile, type TopicProfile } from '../../features/topic-profile.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { ScoreAccumulator } from './score-accumulator.js';
import { addTaken, offerKeyVideos } from './topic-source.js';
import { TopVideos } from './top-videos.js';

/**
 * Net rejections (skips, "not interested", less positives) of a picked interest that halve its weight: what the
 * user does outweighs what they said at sign-up, so an interest they keep skipping fades within a few swipes.
 */
const INTEREST_HALVING = 2;
/** An interest weighing less than this (three halvings) is no longer proposed: its budget goes to the others. */
const INTEREST_FLOOR = 1 / 8;

/**
 * For a new user: the most engaged-with videos of the hashtags they picked at onboarding, the budget split evenly.
 * It stops once their own history speaks (`onboardingPositives` recent positive engagements). Raw score: how new
 * the user still is, 1 with no positive engagement, fading to 0 at the limit, times the interest's weight (1 until
 * the user's skips of it outnumber their positives, then halving every INTEREST_HALVING net rejections).
 */
export class OnboardingSource implements CandidateSource {
  readonly name = 'onboarding';
  private readonly top = new TopVideos();
  private readonly taken = new ScoreAccumulator();

  constructor(readonly bit: number) {}

  retrieve(request: FeedRequest, candidates: CandidateSet): void {
    const interests = request.user.profile.interests;
    const budget = request.algorithm.sourceBudgets.onboarding;
    const newness = onboardingNewness(request);
    if (budget === 0 || interests.length === 0 || newness <= 0) return;
    const profile = topicProfile(request.state, request.user);
    let live = 0;
    for (const interest of interests) if (interestWeight(profile, interest) >= INTEREST_FLOOR) live++;
    if (live === 0) return;
    const perInterest = Math.max(1, Math.ceil(budget / live));
    this.taken.clear();
    for (const interest of interests) {
      const weight = interestWeight(profile, interest);
      const list = request.state.topics.list('hashtag', interest);
      if (!list || weight < INTEREST_FLOOR) continue;
      this.top.reset(perInterest);
      offerKeyVideos(request, list, this.top, this.taken);
      addTaken(this.top, candidates, this.bit, newness * weight, this.taken);
    }
  }
}

/** How much a picked interest still counts: 1 while the user's standing with its hashtag is not negative. */
export function interestWeight(profile: TopicProfile, interest: string): number {
  const standing = hashtagStanding(profile, interest);
  return standing >= 0 ? 1 : Math.pow(0.5, -standing / INTEREST_HALVING);
}

/** 1 for a user with no positive engagement yet, 0 once they have `onboardingPositives`. */
export function onboardingNewness(request: FeedRequest): number {
  const limit = request.algorithm.onboardingPositives;
  if (limit === 0) return 0;
  return Math.max(0, 1 - topicProfile(request.state, request.user).positives / limit);
}
