import { describe, expect, it } from 'vitest';
import { implicitUser } from '../../src/core/schemas.js';
import { RECENT_EVENTS_PER_USER, UserState } from '../../src/features/user-state.js';

describe('UserState recent engagements', () => {
  it('returns what was remembered, types and NaN watch ratios included', () => {
    const user = new UserState(implicitUser('u', 0));
    user.remember({ vidx: 999_999, type: 'play', ts: 1_790_000_000_123, watchRatio: 0.75 });
    user.remember({ vidx: 0, type: 'like', ts: 1_790_000_000_456, watchRatio: NaN });
    user.remember({ vidx: 42, type: 'skip', ts: 1_790_000_000_789, watchRatio: 0.1 });
    expect(user.recent).toEqual([
      { vidx: 999_999, type: 'play', ts: 1_790_000_000_123, watchRatio: 0.75 },
      { vidx: 0, type: 'like', ts: 1_790_000_000_456, watchRatio: NaN },
      { vidx: 42, type: 'skip', ts: 1_790_000_000_789, watchRatio: 0.1 },
    ]);
    expect(user.recentVersion).toBe(3);
  });

  it(`keeps only the latest ${RECENT_EVENTS_PER_USER}, overwriting the oldest`, () => {
    const user = new UserState(implicitUser('u', 0));
    const total = RECENT_EVENTS_PER_USER + 10;
    for (let i = 0; i < total; i++) user.remember({ vidx: i, type: i % 2 ? 'comment' : 'share', ts: i, watchRatio: NaN });
    const recent = user.recent;
    expect(recent).toHaveLength(RECENT_EVENTS_PER_USER);
    expect(recent.map((r) => r.vidx).sort((a, b) => a - b)).toEqual(Array.from({ length: RECENT_EVENTS_PER_USER }, (_, i) => i + 10));
    for (const r of recent) expect(r.type).toBe(r.vidx % 2 ? 'comment' : 'share');
  });
});
