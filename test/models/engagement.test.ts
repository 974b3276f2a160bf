import { describe, expect, it } from 'vitest';
import type { AcceptedEvent } from '../../src/core/schemas.js';
import { EngagementCollector } from '../../src/models/engagement.js';
import { userRow, userRowWeights } from '../../src/models/interactions.js';

let n = 0;
const event = (user: string, video: string, type: AcceptedEvent['type'], watchMs: number | null = null): AcceptedEvent => ({
  id: `e${n++}`,
  user,
  video,
  creator: null,
  type,
  ts: 1_700_000_000_000,
  watchMs,
});

/** An event object into a collector, as a fit reads it (plain fields). */
const add = (collector: EngagementCollector, e: AcceptedEvent, durationMs: number) =>
  collector.addEvent(e.user, e.video, e.type, e.watchMs, durationMs);

describe('engagement → interactions', () => {
  it('keeps positive engagement only, with the strongest signal per pair, and honours vetoes', () => {
    const collector = new EngagementCollector();
    const duration = 10_000;
    add(collector, event('ann', 'v1', 'play', 9_000), duration); // finished: counts
    add(collector, event('ann', 'v2', 'play', 1_000), duration); // 10 %: does not
    add(collector, event('ann', 'v3', 'impression'), duration); // not engagement
    add(collector, event('ann', 'v1', 'like'), duration); // stronger
    add(collector, event('bob', 'v2', 'share'), duration);
    add(collector, event('bob', 'v4', 'play', 30_000), duration); // loops count
    add(collector, event('bob', 'v4', 'not_interested'), duration); // vetoes v4 for bob
    add(collector, event('cy', 'v5', 'report'), duration); // a veto holds against what comes after it too
    add(collector, event('cy', 'v5', 'share'), duration);
    add(collector, event('cy', 'v1', 'share'), duration);
    add(collector, event('cy', 'v1', 'play', 9_000), duration); // weaker than the share: the share stays
    const data = collector.build();
    const ann = collector.userIds.indexOf('ann');
    const bob = collector.userIds.indexOf('bob');
    const ids = (u: number) => Array.from(userRow(data, u)).map((i) => collector.itemIds[i]);
    expect(ids(ann)).toEqual(['v1']);
    expect(Array.from(userRowWeights(data, ann))).toEqual([2]);
    expect(ids(bob)).toEqual(['v2']);
    const cy = collector.userIds.indexOf('cy');
    expect(ids(cy)).toEqual(['v1']);
    expect(Array.from(userRowWeights(data, cy))).toEqual([3]);
    expect(collector.positives).toBe(7);
    expect(collector.events).toBe(11);
  });

  it('builds the same matrix as a per-pair reference over many random events, and only once', () => {
    const collector = new EngagementCollector();
    const duration = 10_000;
    const types: AcceptedEvent['type'][] = ['play', 'play', 'play', 'like', 'share', 'comment', 'impression', 'not_interested', 'report'];
    const strongest = new Map<string, number>();
    const vetoed = new Set<string>();
    let seed = 11;
    const random = (k: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % k);
    for (let e = 0; e < 20_000; e++) {
      const user = `u${random(300)}`;
      const video = `v${random(900)}`;
      const type = types[random(types.length)]!;
      const watchMs = type === 'play' ? random(2 * duration) : null;
      add(collector, event(user, video, type, watchMs), duration);
      const key = `${user} ${video}`;
      if (type === 'not_interested' || type === 'report') vetoed.add(key);
      const weight = { play: watchMs! >= duration / 2 ? 1 : 0, like: 2, comment: 2, share: 3 }[type as 'play'] ?? 0;
      if (weight > 0) strongest.set(key, Math.max(strongest.get(key) ?? 0, weight));
    }
    const data = collector.build();
    const built = new Map<string, number>();
    for (let u = 0; u < data.numUsers; u++) {
      const row = userRow(data, u);
      for (let p = 1; p < row.length; p++) expect(row[p]!).toBeGreaterThan(row[p - 1]!);
      const weights = userRowWeights(data, u);
      row.forEach((item, p) => built.set(`${collector.userIds[u]} ${collector.itemIds[item]}`, weights[p]!));
    }
    const expected = new Map([...strongest].filter(([key]) => !vetoed.has(key)));
    expect(built).toEqual(expected);
    // The item-major transpose holds the same pairs.
    expect(data.itemUsers.length).toBe(built.size);
    expect(() => collector.build()).toThrow(/once/);
    expect(() => add(collector, event('u1', 'v1', 'like'), duration)).toThrow(/built/);
  });
});
