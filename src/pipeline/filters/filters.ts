/**
 * The filter stages: each removes candidates that must never be served to this user, and says why in plain
 * language (the explain endpoint shows it). The safety filters hold in every feed mode, the chronological one
 * included; the others read the user's history and so run only in the personalised feed.
 */
import { UNKNOWN_REGION } from '../../core/schemas.js';
import { SAFETY_ADULT, SAFETY_GEO_RESTRICTED, SAFETY_LIVE } from '../../features/video-catalog.js';
import type { Filter, FeedRequest } from '../stages.js';

/** Only `live` videos are ever served. */
export const liveFilter: Filter = {
  name: 'live',
  keep: (request, vidx) => (request.state.catalog.safety[vidx]! & SAFETY_LIVE) !== 0,
  why: (request, vidx) => `the video is ${request.state.catalog.statusOf(vidx)}, only live videos are served`,
};

/** Never serve what the user was already served or interacted with (the next page never repeats a video). */
export const seenFilter: Filter = {
  name: 'seen',
  keep: (request, vidx) => !request.user.seen.has(vidx),
  why: () => 'you were already shown it or interacted with it',
};

/** Creators the user said "not interested" to, and the user's own videos. */
export const creatorFilter: Filter = {
  name: 'creator',
  keep: (request: FeedRequest, vidx) => {
    const own = ownCreatorNumber(request);
    const { notInterestedCreators } = request.user;
    // Most viewers upload nothing and marked no creator: answer without reading the video's creator (a cache miss
    // per candidate at a million videos).
    if (own < 0 && notInterestedCreators.size === 0) return true;
    const { catalog } = request.state;
    const creator = catalog.creatorIdx[vidx]!;
    if (creator === own) return false;
    return notInterestedCreators.size === 0 || !notInterestedCreators.has(catalog.creatorIds[creator]!);
  },
  why: (request, vidx) => {
    const creator = request.state.catalog.creatorOf(vidx);
    return creator === request.user.profile.id ? 'it is your own video' : `you marked ${creator} "not interested"`;
  },
};

/**
 * The user's own creator number (-1 when they have no videos), worked out once per request: comparing numbers
 * spares reading a creator's id string (a cache miss) for every candidate.
 */
let ownCreatorRequest: FeedRequest | undefined;
let ownCreatorVersion = -1;
let ownCreator = -1;
function ownCreatorNumber(request: FeedRequest): number {
  if (request !== ownCreatorRequest || request.state.catalog.version !== ownCreatorVersion) {
    ownCreatorRequest = request;
    ownCreatorVersion = request.state.catalog.version;
    ownCreator = request.state.catalog.creatorNumber(request.user.profile.id) ?? -1;
  }
  return ownCreator;
}

/** Sounds of enough videos the user marked "not interested" (one mark hides the creator, not the sound). */
export const soundFilter: Filter = {
  name: 'sound',
  keep: (request, vidx) => {
    // Most users marked nothing: answer before reading the catalogue (a cache miss per candidate).
    if (request.user.notInterestedSounds.size === 0) return true;
    const { soundIdx, soundIds } = request.state.catalog;
    if (soundIdx[vidx]! < 0) return true;
    return (request.user.notInterestedSounds.get(soundIds[soundIdx[vidx]!]!) ?? 0) < request.algorithm.hideSoundAfterNotInterested;
  },
  why: (request, vidx) => {
    const sound = request.state.catalog.soundOf(vidx)!;
    return `you marked ${request.user.notInterestedSounds.get(sound)} videos with sound ${sound} "not interested"`;
  },
};

/** Creators and sounds the user blocked: an explicit instruction, not a profile, so it holds in every mode. */
export const blockedFilter: Filter = {
  name: 'blocked',
  keep: (request, vidx) => {
    const { user } = request;
    if (user.blockedCreators.size === 0 && user.blockedSounds.size === 0) return true;
    const { creatorIds, creatorIdx, soundIds, soundIdx } = request.state.catalog;
    if (user.blockedCreators.has(creatorIds[creatorIdx[vidx]!]!)) return false;
    return soundIdx[vidx]! < 0 || !user.blockedSounds.has(soundIds[soundIdx[vidx]!]!);
  },
  why: (request, vidx) => {
    const video = request.state.catalog.video(vidx);
    return request.user.blockedCreators.has(video.creator)
      ? `you blocked its creator ${video.creator}`
      : `you blocked its sound ${video.sound}`;
  },
};

/**
 * Legal or licensing geo-restrictions. A user of unknown region cannot be shown to be outside the blocked regions,
 * so a restricted video is withheld from them too.
 */
export const regionFilter: Filter = {
  name: 'region',
  keep: (request, vidx) => {
    if ((request.state.catalog.safety[vidx]! & SAFETY_GEO_RESTRICTED) === 0) return true;
    const region = request.user.profile.region;
    return region !== UNKNOWN_REGION && !request.state.catalog.blockedRegionsOf(vidx).includes(region);
  },
  why: (request) => {
    const region = request.user.profile.region;
    return region === UNKNOWN_REGION
      ? 'the video is geo-restricted and your region is unknown'
      : `the video may not be shown in your region ${region}`;
  },
};

/** Minors never get an adult video, whatever the mode. */
export const audienceFilter: Filter = {
  name: 'audience',
  keep: (request, vidx) => (request.state.catalog.safety[vidx]! & SAFETY_ADULT) === 0 || !request.user.profile.settings.minor,
  why: () => 'the video is for adults and your account is a minor’s',
};

/** What every mode applies, whatever it reads of the user: only live videos, and the safety rules. */
export const SAFETY_FILTERS: readonly Filter[] = [liveFilter, regionFilter, audienceFilter, blockedFilter];

/**
 * All of SAFETY_FILTERS in one pass over the video's safety flags: the sources run it on everything they look at,
 * and one read of the flags with no calls through the filter list is most of a cheap check's cost.
 */
export function passesSafetyFilters(request: FeedRequest, vidx: number): boolean {
  const flags = request.state.catalog.safety[vidx]!;
  if ((flags & SAFETY_LIVE) === 0) return false;
  if ((flags & SAFETY_ADULT) !== 0 && request.user.profile.settings.minor) return false;
  if ((flags & SAFETY_GEO_RESTRICTED) !== 0 && !regionFilter.keep(request, vidx)) return false;
  const { user } = request;
  return (user.blockedCreators.size === 0 && user.blockedSounds.size === 0) || blockedFilter.keep(request, vidx);
}
