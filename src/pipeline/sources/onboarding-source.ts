import { topicProfile } from '../../features/topic-profile.js';
import type { CandidateSet } from '../candidates.js';
import type { CandidateSource, FeedRequest } from '../stages.js';
import { ScoreAccumulator } from './score-accumulator.js';
import { addTaken, offerKeyVideos } from './topic-source.js';
import { TopVideos } from './top-videos.js';

/**
 * For a new user: the most engaged-with videos of the hashtags they picked at onboarding, the budget split evenly.
 * It stops once their own history speaks (`onboardingPositives` recent positive engagements). Raw score: how new
 * the user still is, 1 with no positive engagement, fading to 0 at the limit.
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
    const perInterest = Math.max(1, Math.ceil(budget / interests.length));
    this.taken.clear();
    for (const interest of interests) {
      const list = request.state.topics.list('hashtag', interest);
      if (!list) continue;
      this.top.reset(perInterest);
      offerKeyVideos(request, list, this.top, this.taken);
      addTaken(this.top, candidates, this.bit, newness, this.taken);
    }
  }
}

/** 1 for a user with no positive engagement yet, 0 once they have `onboardingPositives`. */
export function onboardingNewness(request: FeedRequest): number {
  const limit = request.algorithm.onboardingPositives;
  if (limit === 0) return 0;
  return Math.max(0, 1 - topicProfile(request.state, request.user).positives / limit);
}
