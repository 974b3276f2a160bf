/** The filter stages: each removes candidates that must never be served to this user. */
import type { Filter, FeedRequest } from '../stages.js';

/** Only `live` videos are ever served. */
export const liveFilter: Filter = {
  name: 'live',
  keep: (request, vidx) => request.state.catalog.live[vidx] === 1,
};

/** Never serve what the user was already served or interacted with (the next page never repeats a video). */
export const seenFilter: Filter = {
  name: 'seen',
  keep: (request, vidx) => !request.user.seen.has(vidx),
};

/** Creators the user said "not interested" to, and the user's own videos. */
export const creatorFilter: Filter = {
  name: 'creator',
  keep: (request: FeedRequest, vidx) => {
    const creator = request.state.catalog.creatorIds[request.state.catalog.creatorIdx[vidx]!]!;
    return creator !== request.user.profile.id && !request.user.notInterestedCreators.has(creator);
  },
};
