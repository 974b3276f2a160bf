import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorld, generateEvents, loadWorldIntoStore, type LoadProgress } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { StoredEvent } from '../../src/store/store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const NOW = Date.UTC(2025, 0, 1);

describe('loadWorldIntoStore', () => {
  it('stores videos, users and events in batches, and adds nothing when loaded again', async () => {
    const world = createWorld({ users: 150, videos: 400, seed: 8, now: NOW });
    const store = new SqliteStore(join(temp.dir, 'world.db'));
    try {
      const progress: LoadProgress[] = [];
      const result = await loadWorldIntoStore(store, world, 23_456, (p) => progress.push(p), { batchSize: 5_000 });
      expect(result).toEqual({ videos: 400, users: 150, events: 23_456, duplicates: 0 });
      expect(await store.counts()).toMatchObject({ videos: 400, users: 150, events: 23_456 });
      expect(progress.filter((p) => p.phase === 'events').map((p) => p.done)).toEqual([5_000, 10_000, 15_000, 20_000, 23_456]);

      expect(await store.getVideo(world.videos[17]!.id)).toEqual(world.videos[17]);
      expect(await store.getUser(world.users[42]!.id)).toEqual(world.users[42]);
      const stored: StoredEvent[] = [];
      for await (const batch of store.scanEvents()) stored.push(...batch);
      expect(stored.map(({ seq: _seq, ...event }) => event)).toEqual([...generateEvents(world, 23_456)]);

      const again = await loadWorldIntoStore(store, world, 23_456);
      expect(again.events).toBe(0);
      expect(again.duplicates).toBe(23_456);
      expect((await store.counts()).events).toBe(23_456);
    } finally {
      await store.close();
    }
  });
});
