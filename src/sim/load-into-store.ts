/**
 * Puts a simulated world straight into a Store, without files: the demo catalogue of `serve --demo` and the load of
 * the benchmarks. Writes go in batches through the ordinary Store methods, so they take the same path as the API.
 */
import type { AcceptedEvent } from '../core/schemas.js';
import type { Store } from '../store/store.js';
import { generateEvents, type EventOptions } from './events.js';
import type { World } from './world.js';

export interface LoadProgress {
  phase: 'videos' | 'users' | 'events';
  done: number;
  total: number;
}

export interface LoadOptions extends EventOptions {
  /** Records per transaction; 10,000 by default (the API's largest event batch). */
  batchSize?: number;
}

export interface LoadResult {
  videos: number;
  users: number;
  /** Events newly stored. */
  events: number;
  /** Events whose id was stored already (loading the same world twice adds nothing). */
  duplicates: number;
}

export async function loadWorldIntoStore(
  store: Store,
  world: World,
  eventCount: number,
  onProgress?: (progress: LoadProgress) => void,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const batchSize = options.batchSize ?? 10_000;

  for (let start = 0; start < world.videos.length; start += batchSize) {
    await store.putVideos(world.videos.slice(start, start + batchSize));
    onProgress?.({ phase: 'videos', done: Math.min(start + batchSize, world.videos.length), total: world.videos.length });
  }
  for (let start = 0; start < world.users.length; start += batchSize) {
    await store.putUsers(world.users.slice(start, start + batchSize));
    onProgress?.({ phase: 'users', done: Math.min(start + batchSize, world.users.length), total: world.users.length });
  }

  let inserted = 0;
  let duplicates = 0;
  let done = 0;
  let batch: AcceptedEvent[] = [];
  const flush = async () => {
    // Every user is stored above, so no event needs an implicit one.
    const result = await store.appendEvents(batch, [], { countOnly: true });
    inserted += result.added;
    duplicates += result.duplicates;
    done += batch.length;
    batch = [];
    onProgress?.({ phase: 'events', done, total: eventCount });
  };
  for (const event of generateEvents(world, eventCount, options)) {
    batch.push(event);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();

  return { videos: world.videos.length, users: world.users.length, events: inserted, duplicates };
}
