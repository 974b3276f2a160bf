import { describe, expect, it } from 'vitest';
import { EventSchema, type AcceptedEvent } from '../../src/core/schemas.js';
import { acceptEvent } from '../../src/ingest/accept-events.js';
import { clientEvent, createWorld, generateEvents, type World } from '../../src/sim/index.js';

const NOW = Date.UTC(2025, 0, 1);

function catalogOf(world: World) {
  const creators = new Map(world.videos.map((v) => [v.id, v.creator]));
  const users = new Set(world.users.map((u) => u.id));
  return { creatorOfVideo: (id: string) => creators.get(id), isKnownCreator: (id: string) => users.has(id) };
}

describe('generateEvents', () => {
  const world = createWorld({ users: 400, videos: 1500, seed: 21, now: NOW });
  const events = [...generateEvents(world, 30_000)];

  it('yields exactly the requested number of events with unique ids', () => {
    expect(events).toHaveLength(30_000);
    expect(new Set(events.map((e) => e.id)).size).toBe(30_000);
    expect(events[0]!.id).toBe('e1');
    expect([...generateEvents(world, 7)]).toHaveLength(7);
    expect([...generateEvents(world, 0)]).toHaveLength(0);
  });

  it('is deterministic: the same world and count give the same events, another seed others', () => {
    const again = [...generateEvents(createWorld({ users: 400, videos: 1500, seed: 21, now: NOW }), 30_000)];
    expect(again).toEqual(events);
    const other = [...generateEvents(createWorld({ users: 400, videos: 1500, seed: 22, now: NOW }), 30_000)];
    expect(other).not.toEqual(events);
  });

  it('makes events that the API accepts as they are, with the creator of the video', () => {
    const catalog = catalogOf(world);
    for (const event of events) {
      const parsed = EventSchema.safeParse(clientEvent(event));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(acceptEvent(parsed.data!, catalog, NOW)).toEqual(event);
      expect(event.creator).toBe(world.videos[world.videoIndexById.get(event.video!)!]!.creator);
    }
  });

  it('keeps time consistent: before now, after the user and video exist, increasing within sessions', () => {
    for (const event of events) {
      const video = world.videos[world.videoIndexById.get(event.video!)!]!;
      const user = world.users[world.userIndexById.get(event.user)!]!;
      expect(event.ts).toBeLessThanOrEqual(NOW);
      expect(event.ts).toBeGreaterThanOrEqual(video.createdAt);
      expect(event.ts).toBeGreaterThan(user.createdAt);
      expect(video.status).toBe('live');
      expect(video.creator).not.toBe(event.user);
    }
    // Every impression is followed by the play or skip of the same video, later; then its actions, later still.
    let last: AcceptedEvent | undefined;
    for (const event of events) {
      if (event.type !== 'impression' && last) {
        expect(event.user).toBe(last.user);
        expect(event.video).toBe(last.video);
        expect(event.ts).toBeGreaterThan(last.ts);
      }
      if (event.type === 'play' || event.type === 'skip') expect(last?.type).toBe('impression');
      last = event;
    }
  });

  it('gives plays and skips a watch time, and skips only a short one', () => {
    let loops = 0;
    for (const event of events) {
      const duration = world.videos[world.videoIndexById.get(event.video!)!]!.durationMs;
      if (event.type === 'play') {
        expect(event.watchMs).toBeGreaterThanOrEqual(0);
        if (event.watchMs! > duration) loops++;
      } else if (event.type === 'skip') {
        expect(event.watchMs).toBeLessThanOrEqual(Math.min(2_000, 0.3 * duration));
      } else {
        expect(event.watchMs).toBeNull();
      }
    }
    expect(loops).toBeGreaterThan(0);
  });

  it('mixes the event types in plausible proportions and follows a creator at most once', () => {
    const counts = new Map<string, number>();
    for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    const impressions = counts.get('impression')!;
    expect(counts.get('play')! + counts.get('skip')!).toBeGreaterThanOrEqual(impressions - 1);
    expect(counts.get('play')! / impressions).toBeGreaterThan(0.4);
    expect(counts.get('like')! / counts.get('play')!).toBeGreaterThan(0.03);
    expect(counts.get('like')! / counts.get('play')!).toBeLessThan(0.3);
    for (const type of ['share', 'comment', 'follow', 'not_interested']) expect(counts.get(type)).toBeGreaterThan(0);
    const follows = events.filter((e) => e.type === 'follow').map((e) => `${e.user}>${e.creator}`);
    expect(new Set(follows).size).toBe(follows.length);
  });

  it('takes an id prefix so that several runs can share one store', () => {
    const [first] = generateEvents(world, 1, { idPrefix: 'run2-' });
    expect(first!.id).toBe('run2-1');
  });
});
