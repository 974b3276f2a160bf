/**
 * Which events count as an interaction for the batch models, and how strongly: positive engagement only.
 * A play counts when the watch ratio (watchMs / durationMs; loops may exceed 1) reaches `minWatchRatio`;
 * likes, comments, shares and follows (given with a video) count more. "Not interested" and reports remove the
 * pair whatever came before or after: a model must never learn to bring such a video back.
 */
import type { EventType } from '../core/schemas.js';
import { grownInt32 } from '../features/growable.js';
import { fromUserCsr, type Interactions } from './interactions.js';

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
  /**
   * One entry per positive or vetoing event: its user, and its item × 16 + a code (0 = veto, else the rank of its
   * strength among the rules' distinct strengths). Typed columns rather than a Map per pair: at 10M events a Map
   * keyed by user × 2^26 + item held millions of boxed keys, most of a background fit's memory.
   */
  private pairUsers = new Int32Array(1024);
  private pairCodes = new Int32Array(1024);
  private pairs = 0;
  /** Set by build, which releases the entries. */
  private spent = false;
  /** Distinct positive strengths, ascending: code c stands for strengthOfCode[c]. */
  private readonly strengthOfCode: number[];
  events = 0;
  positives = 0;

  constructor(private readonly rules: EngagementRules = DEFAULT_ENGAGEMENT) {
    const strengths = [...new Set(Object.values(rules.weights).filter((w): w is number => w !== undefined && w > 0))].sort((a, b) => a - b);
    if (strengths.length > MAX_CODE) throw new Error(`at most ${MAX_CODE} distinct engagement strengths`);
    this.strengthOfCode = [0, ...strengths];
  }

  /** The event types that can change an interaction (positive engagement and vetoes): all that a fit must read. */
  get relevantTypes(): EventType[] {
    const positive = Object.entries(this.rules.weights).filter(([, weight]) => weight !== undefined && weight > 0);
    return [...new Set([...positive.map(([type]) => type as EventType), ...this.rules.vetoes])];
  }

  /** An event as plain fields (a fit reads rows, not event objects); `durationMs` of its video, needed for plays. */
  addEvent(userId: string, video: string | null, type: EventType, watchMs: number | null, durationMs: number | null | undefined): void {
    if (this.spent) throw new Error('an engagement collector takes no events once built');
    this.events++;
    if (video === null) return;
    const veto = this.rules.vetoes.has(type);
    const watchRatio = durationMs && watchMs !== null ? watchMs / durationMs : Number.NaN;
    const weight = engagementStrength(this.rules, type, watchRatio);
    if (!veto && weight <= 0) return;
    const user = this.indexOf(this.userIndex, this.userIds, userId);
    const item = this.indexOf(this.itemIndex, this.itemIds, video);
    if (item >= MAX_ITEMS) throw new Error(`more than ${MAX_ITEMS} items`);
    if (!veto) this.positives++;
    const at = this.pairs++;
    if (at === this.pairUsers.length) {
      this.pairUsers = grownInt32(this.pairUsers, at + 1);
      this.pairCodes = grownInt32(this.pairCodes, at + 1);
    }
    this.pairUsers[at] = user;
    this.pairCodes[at] = item * (MAX_CODE + 1) + (veto ? 0 : this.strengthOfCode.indexOf(weight));
  }

  private indexOf(index: Map<string, number>, ids: string[], id: string): number {
    let i = index.get(id);
    if (i === undefined) {
      i = ids.length;
      index.set(id, i);
      ids.push(id);
    }
    return i;
  }

  /**
   * One interaction per (user, item) pair: its strongest strength, none when any event vetoed it. Spends the
   * collector (its entries are released as soon as they are grouped): at 10M events the entries, their grouped
   * copy and the result side by side were the peak of a background fit.
   */
  build(): Interactions {
    if (this.spent) throw new Error('an engagement collector builds once');
    this.spent = true;
    const numUsers = this.userIds.length;
    const n = this.pairs;
    // Group the entries by user (a counting sort), then sort each user's codes: a pair's entries become adjacent,
    // its veto (code 0) first and its strongest last, and the items of a row ascend.
    const userPtr = new Int32Array(numUsers + 1);
    for (let e = 0; e < n; e++) userPtr[this.pairUsers[e]! + 1]++;
    for (let u = 0; u < numUsers; u++) userPtr[u + 1] += userPtr[u]!;
    const cursor = userPtr.slice(0, numUsers);
    const codes = new Int32Array(n);
    for (let e = 0; e < n; e++) codes[cursor[this.pairUsers[e]!]!++] = this.pairCodes[e]!;
    this.pairUsers = this.pairCodes = new Int32Array(0);
    this.pairs = 0;
    // Each row comes out with its items ascending and unique: the user-major matrix itself, with no second sort.
    const items = new Int32Array(n);
    const weights = new Float32Array(n);
    const width = MAX_CODE + 1;
    let out = 0;
    let rowStart = 0;
    for (let u = 0; u < numUsers; u++) {
      const row = codes.subarray(rowStart, userPtr[u + 1]!).sort();
      rowStart = userPtr[u + 1]!;
      userPtr[u] = out;
      for (let a = 0; a < row.length; ) {
        const item = Math.floor(row[a]! / width);
        let b = a + 1;
        while (b < row.length && Math.floor(row[b]! / width) === item) b++;
        if (row[a]! % width !== 0) {
          items[out] = item;
          weights[out] = this.strengthOfCode[row[b - 1]! % width]!;
          out++;
        }
        a = b;
      }
    }
    userPtr[numUsers] = out;
    return fromUserCsr(numUsers, this.itemIds.length, userPtr, items.slice(0, out), weights.slice(0, out));
  }
}

/** Distinct positive strengths a collector can tell apart (codes 1..15; 0 marks a veto). */
const MAX_CODE = 15;
/** Items a collector can index: item × 16 + code must stay an int32. */
const MAX_ITEMS = 2 ** 27;

/** The strength one event gives its (user, video) pair under `rules`: 0 when it is not positive engagement. */
export function engagementStrength(rules: EngagementRules, type: EventType, watchRatio: number): number {
  const weight = rules.weights[type] ?? 0;
  if (type === 'play' && !(watchRatio >= rules.minWatchRatio)) return 0;
  return weight;
}
