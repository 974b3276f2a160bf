/**
 * Which events count as an interaction for the batch models, and how strongly: positive engagement only.
 * A play counts when the watch ratio (watchMs / durationMs; loops may exceed 1) reaches `minWatchRatio`;
 * likes, comments, shares and follows (given with a video) count more. "Not interested" and reports remove the
 * pair whatever came before or after: a model must never learn to bring such a video back.
 */
import type { AcceptedEvent, EventType } from '../core/schemas.js';
import { buildInteractions, type Interactions } from './interactions.js';

export interface EngagementRules {
  minWatchRatio: number;
  /** Strength of each positive event type; a pair keeps its strongest. */
  weights: Partial<Record<EventType, number>>;
  /** Event types that veto the pair. */
  vetoes: ReadonlySet<EventType>;
}

export const DEFAULT_ENGAGEMENT: EngagementRules = {
  minWatchRatio: 0.5,
  weights: { play: 1, like: 2, comment: 2, share: 3, follow: 3 },
  vetoes: new Set<EventType>(['not_interested', 'report']),
};

/** Accumulates events (in any order) into interaction triples over dense indices. */
export class EngagementCollector {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  readonly userIds: string[] = [];
  readonly itemIds: string[] = [];
  /** Strength per pair, keyed user * 2^26 + item (exact in a double while both stay below 2^26). */
  private readonly strengths = new Map<number, number>();
  private readonly vetoed = new Set<number>();
  events = 0;
  positives = 0;

  constructor(private readonly rules: EngagementRules = DEFAULT_ENGAGEMENT) {}

  /** `durationMs` of the event's video, needed for plays. */
  add(event: AcceptedEvent, durationMs: number | undefined): void {
    this.events++;
    if (event.video === null) return;
    const veto = this.rules.vetoes.has(event.type);
    const watchRatio = durationMs && event.watchMs !== null ? event.watchMs / durationMs : Number.NaN;
    const weight = engagementStrength(this.rules, event.type, watchRatio);
    if (!veto && weight <= 0) return;
    const key = this.key(event.user, event.video);
    if (veto) {
      this.vetoed.add(key);
      return;
    }
    this.positives++;
    const previous = this.strengths.get(key) ?? 0;
    if (weight > previous) this.strengths.set(key, weight);
  }

  private key(user: string, item: string): number {
    let u = this.userIndex.get(user);
    if (u === undefined) {
      u = this.userIds.length;
      this.userIndex.set(user, u);
      this.userIds.push(user);
    }
    let i = this.itemIndex.get(item);
    if (i === undefined) {
      i = this.itemIds.length;
      this.itemIndex.set(item, i);
      this.itemIds.push(item);
    }
    return u * 2 ** 26 + i;
  }

  build(): Interactions {
    const users: number[] = [];
    const items: number[] = [];
    const weights: number[] = [];
    for (const [key, weight] of this.strengths) {
      if (this.vetoed.has(key)) continue;
      users.push(Math.floor(key / 2 ** 26));
      items.push(key % 2 ** 26);
      weights.push(weight);
    }
    return buildInteractions(this.userIds.length, this.itemIds.length, users, items, weights);
  }
}

/** The strength one event gives its (user, video) pair under `rules`: 0 when it is not positive engagement. */
export function engagementStrength(rules: EngagementRules, type: EventType, watchRatio: number): number {
  const weight = rules.weights[type] ?? 0;
  if (type === 'play' && !(watchRatio >= rules.minWatchRatio)) return 0;
  return weight;
}
