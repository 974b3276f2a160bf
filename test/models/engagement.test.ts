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

describe('engagement → interactions', () => {
  it('keeps positive engagement only, with the strongest signal per pair, and honours vetoes', () => {
    const collector = new EngagementCollector();
    const duration = 10_000;
    collector.add(event('ann', 'v1', 'play', 9_000), duration); // finished: counts
    collector.add(event('ann', 'v2', 'play', 1_000), duration); // 10 %: does not
    collector.add(event('ann', 'v3', 'impression'), duration); // not engagement
    collector.add(event('ann', 'v1', 'like'), duration); // stronger
    collector.add(event('bob', 'v2', 'share'), duration);
    collector.add(event('bob', 'v4', 'play', 30_000), duration); // loops count
    collector.add(event('bob', 'v4', 'not_interested'), duration); // vetoes v4 for bob
    collector.add(event('cy', 'v5', 'report'), duration); // a veto holds against what comes after it too
    collector.add(event('cy', 'v5', 'share'), duration);
    collector.add(event('cy', 'v1', 'share'), duration);
    collector.add(event('cy', 'v1', 'play', 9_000), duration); // weaker than the share: the share stays
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
});
