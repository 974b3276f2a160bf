/**
 * Serves feed pages: resolves the user and mode, runs the pipeline, turns the chosen candidates into items with
 * sources and reasons, and records what was served so the next page never repeats it.
 */
import type { AlgorithmConfig } from '../core/algorithm.js';
import type { FeedMode, Video } from '../core/schemas.js';
import type { AcknowledgedEvents } from '../features/acknowledged-events.js';
import type { OnlineState } from '../features/online-state.js';
import type { UserState } from '../features/user-state.js';
import type { Store } from '../store/store.js';
import { decodeCursor, encodeCursor, newCursorKey, type CursorKey, type FeedCursor } from './cursor.js';
import { FeedPipeline, NON_PERSONALIZED, PERSONALIZED, SOURCE_NAMES, type StagePlan } from './feed-pipeline.js';
import { explainChronological, explainRanked, type FeedExplanation } from './feed-explanation.js';
import { followingFeed } from './following-feed.js';
import type { FeedRequest } from './stages.js';

export interface FeedItem {
  video: Video;
  score: number;
  sources: string[];
  reasons: string[];
}

export interface FeedPage {
  mode: FeedMode;
  items: FeedItem[];
  cursor: string | null;
}

export interface FeedQuery {
  n: number;
  mode?: FeedMode | undefined;
  cursor?: string | undefined;
}

export class FeedService {
  private readonly pipeline = new FeedPipeline();

  constructor(
    private readonly state: OnlineState,
    /** Only records what was served: a feed worker hands it to the thread that owns the store. */
    private readonly store: Pick<Store, 'recordServed'>,
    /** The active algorithm config, read per request so that a new version applies at once. */
    private readonly algorithm: () => AlgorithmConfig,
    /** Signs the cursors of pages (cursor.ts): the store's key, so cursors outlive a restart and every thread agrees. */
    private readonly cursorKey: CursorKey = newCursorKey(),
    /** Events acknowledged to users and not yet applied here: laid over the user's state while a page is made. */
    private readonly acknowledged?: AcknowledgedEvents,
  ) {}

  /** Runs `make` with the user's acknowledged, not yet applied events in effect (acknowledged-events.ts). */
  private withAcknowledged<T>(user: UserState, make: () => T): T {
    return this.acknowledged ? this.acknowledged.withEffects(user, this.state.catalog, make) : make();
  }

  /** The mode a user gets when the request names none: their setting, and chronological following for minors. */
  defaultMode(user: UserState): FeedMode {
    if (user.profile.settings.minor) return 'following';
    return user.profile.settings.personalized ? 'personalized' : 'nonpersonalized';
  }

  async page(user: UserState, query: FeedQuery, now = Date.now()): Promise<FeedPage> {
    const mode = query.mode ?? this.defaultMode(user);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, mode, user.profile.id, this.cursorKey);
    const request = this.request(user, mode, query.n, now, cursor);
    const { page, vidx } = this.withAcknowledged(user, () =>
      mode === 'following'
        ? this.chronological(request, cursor)
        : mode === 'nonpersonalized'
          ? this.ranked(NON_PERSONALIZED, request, cursor?.offset ?? 0, cursor)
          : this.ranked(PERSONALIZED, request, 0, cursor),
    );
    if (page.items.length > 0) {
      // Seen at once, so this thread never repeats them; the sink stores the items and applies them to the state
      // (exposure counts) once, in order, for every replica.
      for (const chosen of vidx) user.seen.add(chosen);
      await this.store.recordServed(page.items.map((item) => ({ user: user.profile.id, video: item.video.id, ts: now })));
    }
    return page;
  }

  /** Why `vidx` is (or is not) on this user's page of this query: the same pipeline, nothing recorded. */
  explain(user: UserState, vidx: number, query: FeedQuery, now = Date.now()): FeedExplanation {
    const mode = query.mode ?? this.defaultMode(user);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, mode, user.profile.id, this.cursorKey);
    const request = this.request(user, mode, query.n, now, cursor);
    // "Why this video?" is mostly asked of a video on screen, already marked seen: explain it as it was chosen, as
    // if not yet shown, rather than answer that the seen filter removes it. Synchronous, so no request sees the gap.
    const shownBefore = user.seen.delete(vidx);
    try {
      const explanation = this.withAcknowledged(user, () =>
        mode === 'following'
          ? explainChronological(request, vidx, cursor?.before as [number, number] | undefined)
          : mode === 'nonpersonalized'
            ? explainRanked(this.pipeline, NON_PERSONALIZED, request, vidx, cursor?.offset ?? 0)
            : explainRanked(this.pipeline, PERSONALIZED, request, vidx, 0),
      );
      return { ...explanation, shownBefore };
    } finally {
      if (shownBefore) user.seen.add(vidx);
    }
  }

  private request(user: UserState, mode: FeedMode, n: number, now: number, cursor: FeedCursor | undefined): FeedRequest {
    const previous = cursor?.after === undefined ? undefined : this.state.catalog.vidx(cursor.after);
    return { user, mode, n, now, state: this.state, algorithm: this.algorithm(), previous };
  }

  private ranked(plan: StagePlan, request: FeedRequest, offset: number, cursor: FeedCursor | undefined): BuiltPage {
    const { candidates, page } = this.pipeline.run(plan, request, offset + request.n);
    const slots = page.slice(offset);
    const vidx = slots.map((slot) => candidates.vidx[slot]!);
    const items: FeedItem[] = slots.map((slot, i) => {
      const mask = candidates.sourceMask[slot]!;
      return {
        video: this.state.catalog.video(vidx[i]!),
        score: round(candidates.score[slot]!),
        sources: SOURCE_NAMES.filter((_, bit) => mask & (1 << bit)),
        reasons: plan.scorer.explain(request, candidates, slot),
      };
    });
    const pageNumber = (cursor?.page ?? 0) + 1;
    const next: FeedCursor =
      request.mode === 'nonpersonalized'
        ? { mode: request.mode, page: pageNumber, offset: offset + items.length }
        : { mode: request.mode, page: pageNumber, after: items[items.length - 1]?.video.id };
    return { page: { mode: request.mode, items, cursor: items.length === 0 ? null : encodeCursor(next, request.user.profile.id, this.cursorKey) }, vidx };
  }

  private chronological(request: FeedRequest, cursor: FeedCursor | undefined): BuiltPage {
    const { catalog } = this.state;
    const chosen = followingFeed(request, cursor?.before as [number, number] | undefined);
    const items: FeedItem[] = chosen.map((vidx) => {
      const video = catalog.video(vidx);
      return {
        video,
        score: video.createdAt,
        sources: ['following'],
        reasons: [`following: the newest videos of accounts you follow, in time order (${video.creator})`],
      };
    });
    const last = chosen[chosen.length - 1];
    const next: FeedCursor | null =
      last === undefined
        ? null
        : { mode: 'following', page: (cursor?.page ?? 0) + 1, before: [catalog.createdAt[last]!, last] };
    return { page: { mode: 'following', items, cursor: next && encodeCursor(next, request.user.profile.id, this.cursorKey) }, vidx: chosen };
  }
}

/** A page and its videos' catalogue numbers in item order: marking them seen then needs no id lookups. */
interface BuiltPage {
  page: FeedPage;
  vidx: number[];
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
