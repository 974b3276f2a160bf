/**
 * The overlay of acknowledged, unapplied events: while a page is made the user's state shows what they did (seen,
 * follows, "not interested" in a creator and a sound), and afterwards it is exactly as it was; applying the events
 * settles them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { implicitUser, type Video } from '../../src/core/schemas.js';
import { AcknowledgedEvents, type AcknowledgedEvent } from '../../src/features/acknowledged-events.js';
import { OnlineState } from '../../src/features/online-state.js';
import { stateDigest } from '../../src/snapshot/state-digest.js';

const video = (i: number): Video => ({
  id: `v${i}`,
  creator: `c${i % 3}`,
  durationMs: 10_000,
  caption: '',
  hashtags: [],
  sound: `s${i % 2}`,
  region: 'DE',
  createdAt: 1_700_000_000_000,
  status: 'live',
});

describe('AcknowledgedEvents', () => {
  it('lays the user’s unapplied events over their state while a page is made, and restores it exactly', () => {
    const state = OnlineState.fromEvents(Array.from({ length: 6 }, (_, i) => video(i)), [implicitUser('u', 0), implicitUser('c1', 0)], [], DEFAULT_ALGORITHM);
    const user = state.users.get('u')!;
    user.follows.add('c1');
    user.notInterestedSounds.set('s0', 1);
    const before = stateDigest(state);
    const acknowledged = new AcknowledgedEvents();
    const events: AcknowledgedEvent[] = [
      { seq: 1, user: 'u', type: 'skip', video: 'v0', creator: 'c0' },
      { seq: 2, user: 'u', type: 'not_interested', video: 'v4', creator: 'c1' },
      { seq: 3, user: 'u', type: 'unfollow', video: null, creator: 'c1' },
      { seq: 4, user: 'u', type: 'follow', video: null, creator: 'c2' },
      { seq: 5, user: 'other', type: 'play', video: 'v5', creator: 'c2' },
    ];
    acknowledged.add(events, 0);
    const seen = acknowledged.withEffects(user, state.catalog, () => ({
      seen: [0, 1, 4].map((i) => user.seen.has(state.catalog.vidx(`v${i}`)!)),
      follows: [...user.follows].sort(),
      notInterested: [...user.notInterestedCreators],
      sounds: Object.fromEntries(user.notInterestedSounds),
    }));
    expect(seen).toEqual({ seen: [true, false, true], follows: ['c2'], notInterested: ['c1'], sounds: { s0: 2 } });
    expect(stateDigest(state)).toBe(before);
    expect(acknowledged.users).toBe(2);

    // Applied up to seq 2: only the unfollow and the follow remain laid over.
    acknowledged.settle('u', 2);
    expect(acknowledged.withEffects(user, state.catalog, () => [user.seen.has(state.catalog.vidx('v0')!), [...user.follows]])).toEqual([false, ['c2']]);
    acknowledged.settle('u', 4);
    acknowledged.settle('other', 5);
    expect(acknowledged.users).toBe(0);
    // Events the state has already applied when they are acknowledged are not laid over again.
    acknowledged.add(events, 5);
    expect(acknowledged.users).toBe(0);
  });

  it('restores the state when making the page throws', () => {
    const state = OnlineState.fromEvents([video(0)], [implicitUser('u', 0)], [], DEFAULT_ALGORITHM);
    const before = stateDigest(state);
    const acknowledged = new AcknowledgedEvents();
    acknowledged.add([{ seq: 1, user: 'u', type: 'follow', video: null, creator: 'c0' }, { seq: 2, user: 'u', type: 'impression', video: 'v0', creator: 'c0' }], 0);
    expect(() =>
      acknowledged.withEffects(state.users.get('u')!, state.catalog, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(stateDigest(state)).toBe(before);
  });
});
