/**
 * What persons' apps together (user keys) may send about one video in a minute. One user's repeats already move
 * nothing shared (features/engagement-ledger.ts); this bounds many accounts acting together on one video — a farm of
 * keys liking it to the top, or reporting it to the bottom — to a rate, per serving process. A batch naming a video
 * whose bucket is empty is refused whole with a 429 naming each such event, and nothing of it is stored (the app
 * retries later). The operator's backend, relaying with a service key, is not bound: it answers for its users.
 *
 * The rates are far above what one video's audience sends through one server in a minute on an operator's own app,
 * and far below what a script sends.
 */
import { InputError, type FieldProblem } from '../core/errors.js';
import type { EventType } from '../core/schemas.js';
import { TokenBuckets } from './request-budget.js';

/** Likes, unlikes, shares, comments, reports and "not interested" about one video, a minute, from all user keys. */
export const VIDEO_STATE_SIGNALS_PER_MINUTE = 600;
/** Impressions, plays and skips of one video, a minute, from all user keys. */
export const VIDEO_VIEWS_PER_MINUTE = 6_000;

export interface VideoSignalLimits {
  /** Likes, unlikes, shares, comments, reports and "not interested" a minute. */
  states: number;
  /** Impressions, plays and skips a minute. */
  views: number;
}

type SignalKind = keyof VideoSignalLimits;

const KIND_OF: ReadonlyMap<string, SignalKind> = new Map<EventType, SignalKind>([
  ['like', 'states'],
  ['unlike', 'states'],
  ['share', 'states'],
  ['comment', 'states'],
  ['report', 'states'],
  ['not_interested', 'states'],
  ['impression', 'views'],
  ['play', 'views'],
  ['skip', 'views'],
]);

export class VideoSignalBudget {
  private readonly buckets: Record<SignalKind, TokenBuckets>;

  constructor(
    limits: Partial<VideoSignalLimits> = {},
    clock: () => number = Date.now,
  ) {
    this.buckets = {
      states: new TokenBuckets(limits.states ?? VIDEO_STATE_SIGNALS_PER_MINUTE, clock),
      views: new TokenBuckets(limits.views ?? VIDEO_VIEWS_PER_MINUTE, clock),
    };
  }

  /** Takes the batch's signals from each video's buckets, all or none; a 429 names each event over its video's rate. */
  take(body: unknown): void {
    const events = (body as { events?: unknown } | null)?.events;
    if (!Array.isArray(events)) return; // the envelope's own check reports it
    const demand = new Map<string, { kind: SignalKind; video: string; count: number; indexes: number[] }>();
    events.forEach((event: unknown, index) => {
      const { type, video } = (event ?? {}) as { type?: unknown; video?: unknown };
      const kind = typeof type === 'string' ? KIND_OF.get(type) : undefined;
      if (kind === undefined || typeof video !== 'string') return; // no video signal, or malformed: ingest reports it
      const key = `${kind}\0${video}`;
      const entry = demand.get(key) ?? { kind, video, count: 0, indexes: [] };
      entry.count++;
      entry.indexes.push(index);
      demand.set(key, entry);
    });
    const problems: FieldProblem[] = [];
    for (const { kind, video, count, indexes } of demand.values()) {
      const wait = this.buckets[kind].waitSeconds(video, count);
      if (wait === 0) continue;
      const limit = this.buckets[kind].perMinute;
      const signals = kind === 'states' ? 'likes, shares, comments and reports' : 'views';
      const when = wait === Infinity ? `this batch holds ${count}` : `retry in ${wait} s`;
      const message = `all users' apps together may send ${limit} ${signals} of one video a minute; ${when}`;
      for (const index of indexes) problems.push({ index, field: 'video', message });
    }
    if (problems.length > 0) {
      throw new InputError(`${problems.length} of ${events.length} events are over their video's rate; nothing was stored`, problems, 429);
    }
    for (const { kind, video, count } of demand.values()) this.buckets[kind].take(video, count);
  }
}
