/**
 * What the service keeps in memory about each user: the profile, what they have already been shown, whom they
 * follow, and their recent engagement. Rebuilt from the store at start.
 */
import type { EventType, User } from '../core/schemas.js';
import { VidxSet } from './vidx-set.js';

/** How many recent engagements per user are kept for sources that start from the user's history. */
export const RECENT_EVENTS_PER_USER = 64;

export interface RecentEngagement {
  vidx: number;
  type: EventType;
  ts: number;
  watchRatio: number;
}

export class UserState {
  /** Videos the user was served or interacted with: the seen filter never serves them again. */
  readonly seen = new VidxSet();
  readonly follows = new Set<string>();
  readonly notInterestedCreators = new Set<string>();
  /** Ring buffer of the latest engagements (plays, likes, shares, comments, skips). */
  readonly recent: RecentEngagement[] = [];
  private recentNext = 0;
  /** Bumped by every new engagement, so summaries of `recent` know when to recompute. */
  recentVersion = 0;

  constructor(public profile: User) {}

  remember(engagement: RecentEngagement): void {
    this.recentVersion++;
    if (this.recent.length < RECENT_EVENTS_PER_USER) {
      this.recent.push(engagement);
    } else {
      this.recent[this.recentNext] = engagement;
      this.recentNext = (this.recentNext + 1) % RECENT_EVENTS_PER_USER;
    }
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
