/**
 * What the service keeps in memory about each user: the profile, what they have already been shown, whom they
 * follow, and their recent engagement. Rebuilt from the store at start.
 */
import { EVENT_TYPES, type EventType, type User } from '../core/schemas.js';
import { EngagementLedger } from './engagement-ledger.js';
import { RecentRejections } from './recent-rejections.js';
import { VidxSet } from './vidx-set.js';

/** How many recent positive engagements per user are kept for sources that start from the user's history. */
export const RECENT_EVENTS_PER_USER = 64;
/** Entries a user's ring of recent engagements starts with. */
const RECENT_RING_START = 8;

const EMPTY: ReadonlySet<string> = new Set();

export interface RecentEngagement {
  vidx: number;
  type: EventType;
  ts: number;
  watchRatio: number;
}

export class UserState {
  /** Videos the user was served or interacted with: the seen filter never serves them again. */
  readonly seen = new VidxSet();
  /** Which of the user's events move shared statistics: one of each kind per video (engagement-ledger.ts). */
  readonly ledger = new EngagementLedger();
  readonly follows = new Set<string>();
  readonly notInterestedCreators = new Set<string>();
  /**
   * How many videos with each sound the user marked "not interested". One mark hides the creator but not the sound
   * (a popular sound spans thousands of unrelated creators, so one mark says little about it); the sound is hidden
   * once the count reaches the algorithm's `hideSoundAfterNotInterested`.
   */
  readonly notInterestedSounds = new Map<string, number>();
  /** The profile's blocked creators and sounds as sets, rebuilt whenever the profile is replaced. */
  blockedCreators: ReadonlySet<string> = EMPTY;
  blockedSounds: ReadonlySet<string> = EMPTY;
  /** The latest skips and "not interested" marks, which count against their topics (topic-profile.ts). */
  readonly rejections = new RecentRejections();
  private currentProfile!: User;
  /**
   * Ring buffer of the latest positive engagements (finished plays, likes, shares, comments: the caller remembers
   * only those, see online-state.ts), three numbers each: vidx × 16 + event type, time, watch ratio. One Float64Array per user instead of 64 objects: ~1.5 KB instead of ~5 KB, which
   * is ~350 MB per replica of the state at 100,000 users.
   */
  private recentRing: Float64Array | undefined;
  private recentCount = 0;
  private recentNext = 0;
  /** Bumped by every new engagement or rejection, so summaries of them know when to recompute. */
  recentVersion = 0;
  /**
   * The user's logged exposures (impressions and skips) and positive engagements: a log with positives but few
   * exposures (imported from a system that kept only what users chose) gives the ranker no negatives of its own,
   * so the learner samples some (online-learner.ts).
   */
  exposures = 0;
  positives = 0;
  /** The log position of the latest profile reset applied to this state (-1: none), so a restore applies each once. */
  resetSeq = -1;

  constructor(profile: User) {
    this.profile = profile;
  }

  get profile(): User {
    return this.currentProfile;
  }

  set profile(profile: User) {
    this.currentProfile = profile;
    const blocked = profile.blocked;
    this.blockedCreators = blocked && blocked.creators.length > 0 ? new Set(blocked.creators) : EMPTY;
    this.blockedSounds = blocked && blocked.sounds.length > 0 ? new Set(blocked.sounds) : EMPTY;
  }

  /** The latest engagements (at most RECENT_EVENTS_PER_USER), as objects made on each call. */
  get recent(): RecentEngagement[] {
    const recent: RecentEngagement[] = [];
    for (let slot = 0; slot < this.recentCount; slot++) {
      recent.push({
        vidx: this.recentVidxAt(slot),
        type: this.recentTypeAt(slot),
        ts: this.recentTsAt(slot),
        watchRatio: this.recentWatchRatioAt(slot),
      });
    }
    return recent;
  }

  /** How many engagements are kept (at most RECENT_EVENTS_PER_USER). */
  get recentLength(): number {
    return this.recentCount;
  }

  /**
   * The kept engagement in ring slot `slot` (0 ≤ slot < recentLength; `recentSlot` orders them by age), read without
   * allocating: hot paths walk the history once per event.
   */
  recentVidxAt(slot: number): number {
    return Math.floor(this.recentRing![slot * 3]! / 16);
  }

  recentTypeAt(slot: number): EventType {
    return EVENT_TYPES[this.recentRing![slot * 3]! % 16]!;
  }

  recentTsAt(slot: number): number {
    return this.recentRing![slot * 3 + 1]!;
  }

  recentWatchRatioAt(slot: number): number {
    return this.recentRing![slot * 3 + 2]!;
  }

  remember(engagement: RecentEngagement): void {
    this.recentVersion++;
    let ring = (this.recentRing ??= new Float64Array(RECENT_RING_START * 3));
    let slot: number;
    if (this.recentCount < RECENT_EVENTS_PER_USER) {
      // The ring grows as it fills (entries stay in arrival order until it is full): most users keep far fewer
      // than the most it holds, and a full-size ring for each of 100k users cost 150 MB in every replica.
      if (this.recentCount * 3 === ring.length) {
        const grown = new Float64Array(Math.min(ring.length * 2, RECENT_EVENTS_PER_USER * 3));
        grown.set(ring);
        this.recentRing = ring = grown;
      }
      slot = this.recentCount++;
    } else {
      slot = this.recentNext;
      this.recentNext = (this.recentNext + 1) % RECENT_EVENTS_PER_USER;
    }
    ring[slot * 3] = engagement.vidx * 16 + EVENT_TYPES.indexOf(engagement.type);
    ring[slot * 3 + 1] = engagement.ts;
    ring[slot * 3 + 2] = engagement.watchRatio;
  }

  /** Records a rejection of `vidx` weighing `weight` (negative-engagement.ts); nothing when it weighs nothing. */
  reject(vidx: number, weight: number): void {
    if (weight > 0 && this.rejections.add(vidx, weight)) this.recentVersion++;
  }

  /** Forgets every kept engagement and rejection (the user reset their profile); summaries recompute. */
  forgetRecent(): void {
    this.recentVersion++;
    this.rejections.clear();
    this.recentRing = undefined;
    this.recentCount = 0;
    this.recentNext = 0;
  }

  /** The ring slot of the `age`-th latest engagement (0 = the latest), or -1 past the oldest kept. */
  recentSlot(age: number): number {
    const length = this.recentCount;
    if (age < 0 || age >= length) return -1;
    // Until the ring is full `recentNext` stays 0 and entries are in arrival order.
    return (this.recentNext - 1 - age + 2 * length) % length;
  }
}

export class UserDirectory {
  private readonly users = new Map<string, UserState>();

  get size(): number {
    return this.users.size;
  }

  get(id: string): UserState | undefined {
    return this.users.get(id);
  }

  has(id: string): boolean {
    return this.users.has(id);
  }

  /** Forgets the user (erasure); true when they were known. */
  delete(id: string): boolean {
    return this.users.delete(id);
  }

  values(): IterableIterator<UserState> {
    return this.users.values();
  }

  /** Adds the user or replaces their profile, keeping their history. */
  put(profile: User): UserState {
    const existing = this.users.get(profile.id);
    if (existing) {
      existing.profile = profile;
      return existing;
    }
    const state = new UserState(profile);
    this.users.set(profile.id, state);
    return state;
  }
}
