import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { Video } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';
import { TOPIC_VIDEOS_PER_KEY, type TopicKeyKind } from '../../src/features/topic-index.js';

const T0 = 1_790_000_000_000;

function video(i: number, hashtags: string[], sound: string, status: Video['status'] = 'live'): Video {
  return { id: `v${i}`, creator: `c${i % 7}`, durationMs: 10_000, caption: '', hashtags, sound, language: 'en', region: 'DE', createdAt: T0, status };
}

/** The key's list as the sources read it: its videos' ids. */
function members(state: OnlineState, kind: TopicKeyKind, key: string): string[] {
  const list = state.topics.list(kind, key);
  return list ? [...list.vidx.subarray(0, list.size)].map((v) => state.catalog.video(v).id) : [];
}

/** One play per video whose watch ratio (and so trending engagement) grows with its number. */
function playByNumber(state: OnlineState, count: number): void {
  for (let i = 0; i < count; i++) {
    state.applyEvent({ id: `p${i}`, user: `viewer${i}`, video: `v${i}`, creator: null, type: 'play', ts: T0, watchMs: 10 * (i + 1) });
  }
}

const byNumberDescending = (ids: string[]) => ids.sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)));

describe('the topic index', () => {
  it('keeps, per hashtag and per sound, the most engaged-with live videos, bounded per key', () => {
    const state = new OnlineState(DEFAULT_ALGORITHM, { learn: false });
    const perKey = TOPIC_VIDEOS_PER_KEY;
    const count = 6 * perKey;
    for (let i = 0; i < count; i++) {
      state.putVideo(video(i, i % 2 === 0 ? ['cooking', 'recipe'] : ['football'], i < count / 2 ? 'snd-a' : 'snd-b'));
    }
    playByNumber(state, count);
    const top = (kind: TopicKeyKind, key: string) => {
      const ids = members(state, kind, key);
      // perKey, plus the arrivals awaiting the next compaction
      expect(ids.length).toBeLessThan(2 * perKey);
      return byNumberDescending(ids).slice(0, 3);
    };
    const last = count - 1;
    expect(top('hashtag', 'cooking')).toEqual([`v${last - 1}`, `v${last - 3}`, `v${last - 5}`]);
    expect(top('hashtag', 'recipe')).toEqual([`v${last - 1}`, `v${last - 3}`, `v${last - 5}`]);
    expect(top('hashtag', 'football')).toEqual([`v${last}`, `v${last - 2}`, `v${last - 4}`]);
    expect(top('sound', 'snd-a')).toEqual([`v${count / 2 - 1}`, `v${count / 2 - 2}`, `v${count / 2 - 3}`]);
    expect(state.topics.list('hashtag', 'cooking')!.videos).toBe(count / 2);

    // A video evicted earlier rejoins when its engagement overtakes the list's weakest
    expect(members(state, 'hashtag', 'cooking')).not.toContain('v0');
    for (let i = 0; i < 5; i++) {
      state.applyEvent({ id: `s${i}`, user: `sharer${i}`, video: 'v0', creator: null, type: 'share', ts: T0, watchMs: null });
    }
    expect(members(state, 'hashtag', 'cooking')).toContain('v0');
    expect(members(state, 'sound', 'snd-a')).toContain('v0');

    // Re-tagged: leaves its old keys' lists, joins the new ones
    const relabelled = last - 1;
    state.putVideo(video(relabelled, ['baking'], 'snd-c'));
    expect(members(state, 'hashtag', 'cooking')).not.toContain(`v${relabelled}`);
    expect(members(state, 'hashtag', 'baking')).toEqual([`v${relabelled}`]);
    expect(members(state, 'sound', 'snd-c')).toEqual([`v${relabelled}`]);
    expect(state.topics.list('hashtag', 'cooking')!.videos).toBe(count / 2 - 1);

    // Removed: out of every list; live again: back in
    const removed = last - 3;
    state.putVideo(video(removed, ['cooking', 'recipe'], 'snd-b', 'removed'));
    expect(members(state, 'hashtag', 'cooking')).not.toContain(`v${removed}`);
    state.putVideo(video(removed, ['cooking', 'recipe'], 'snd-b'));
    expect(members(state, 'hashtag', 'cooking')).toContain(`v${removed}`);
  });
});
