/**
 * Turns validated events into accepted ones: resolves the time and the creator, and refuses events about videos or
 * creators the service does not know. Shared by the HTTP API and `foryou import` so both accept exactly the same.
 */
import type { FieldProblem } from '../core/errors.js';
import { CREATOR_EVENT_TYPES, type AcceptedEvent, type Event } from '../core/schemas.js';

export interface CatalogLookup {
  /** The creator of a known video, or undefined when the video is unknown. */
  creatorOfVideo(videoId: string): string | undefined;
  /** Whether a user id may be followed (a known user or creator). */
  isKnownCreator(userId: string): boolean;
  /** Whether a known video is pending (not yet published): no one but its creator can have seen it. */
  isPendingVideo?(videoId: string): boolean;
}

export interface AcceptResult {
  accepted: AcceptedEvent[];
  problems: FieldProblem[];
}

export function acceptEvents(events: readonly Event[], catalog: CatalogLookup, now: number): AcceptResult {
  const accepted: AcceptedEvent[] = [];
  const problems: FieldProblem[] = [];
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const result = acceptEvent(event, catalog, now);
    if ('message' in result) problems.push({ index, ...result });
    else accepted.push(result);
  }
  return { accepted, problems };
}

/** Clients' clocks drift; an event further in the future than this is a bug (e.g. microseconds), not drift. */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

/** Returns the accepted event, or the field that makes it refused and why. */
export function acceptEvent(event: Event, catalog: CatalogLookup, now: number): AcceptedEvent | FieldProblem {
  if (event.ts !== undefined && event.ts > now + MAX_CLOCK_SKEW_MS) {
    return { field: 'ts', message: 'lies in the future (more than 10 minutes ahead of the server clock)' };
  }
  let creator: string | null = event.creator ?? null;
  if (event.video !== undefined) {
    const videoCreator = catalog.creatorOfVideo(event.video);
    // A pending video is unknown to all but its creator: an answer that told it apart would reveal it.
    if (videoCreator === undefined || (event.user !== videoCreator && catalog.isPendingVideo?.(event.video) === true)) {
      return { field: 'video', message: `unknown video "${event.video}"` };
    }
    if (creator !== null && creator !== videoCreator) {
      return { field: 'creator', message: `"${creator}" is not the creator of video "${event.video}"` };
    }
    creator = videoCreator;
  } else if (creator !== null && CREATOR_EVENT_TYPES.has(event.type) && !catalog.isKnownCreator(creator)) {
    return { field: 'creator', message: `unknown creator "${creator}"` };
  }
  return {
    id: event.id,
    user: event.user,
    video: event.video ?? null,
    creator,
    type: event.type,
    ts: event.ts ?? now,
    watchMs: event.watchMs ?? null,
  };
}
