/**
 * A restart from a state snapshot: the service comes back with the state it stopped with — the same scores, the same
 * digest as replaying the whole log from the store — and events after the snapshot are replayed on the next start.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Event } from '../../src/core/schemas.js';
import { fillRankerInput } from '../../src/features/ranker-features.js';
import { HEAD_COUNT } from '../../src/models/online/heads.js';
import { RankerInput } from '../../src/models/online/ranker-input.js';
import { ForyouService } from '../../src/service/foryou-service.js';
import { clientEvent, createWorld, generateEvents } from '../../src/sim/index.js';
import { stateDigest } from '../../src/snapshot/state-digest.js';
import { digestsOfStore } from '../helpers/state-digests.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

function scores(service: ForyouService, pairs: Array<[string, string]>): number[][] {
  const input = new RankerInput();
  const out = new Float64Array(HEAD_COUNT);
  const now = 1_800_000_000_000;
  return pairs.map(([user, video]) => {
    fillRankerInput(service.state, service.state.users.get(user)!, service.state.catalog.vidx(video)!, now, input);
    service.state.learner!.ranker.predict(input, out);
    return Array.from(out);
  });
}

describe('state snapshots across restarts', () => {
  it('restores the state it stopped with, equal to replaying the whole log, and replays what came after', async () => {
    const db = join(temp.dir, 'restart.db');
    const world = createWorld({ users: 200, videos: 500, seed: 5 });
    let service = await ForyouService.open(db);
    for (const video of world.videos) await service.putVideo(video);
    for (const user of world.users) await service.putUser(user);
    const events = [...generateEvents(world, 20_000)].map(clientEvent) as Event[];
    for (let i = 0; i < events.length; i += 2000) await service.ingest.ingest(events.slice(i, i + 2000));
    await service.caughtUp(); // acknowledged once stored; learned behind
    const updates = service.state.learner!.ranker.updates;
    expect(updates).toBeGreaterThan(10_000);
    const pairs: Array<[string, string]> = world.users.slice(0, 40).map((u, i) => [u.id, world.videos[(i * 37) % 500]!.id]);
    const digest = stateDigest(service.state); // before scoring, which fills the ranker's caches
    const before = scores(service, pairs);
    await service.close(); // writes a snapshot

    service = await ForyouService.open(db);
    expect(service.restoredFrom?.seq).toBe(events.length);
    expect(service.state.learner!.ranker.updates).toBe(updates);
    expect(scores(service, pairs)).toEqual(before);
    expect(stateDigest(service.state)).toBe(digest);
    expect((await digestsOfStore(db)).replayed).toBe(digest);

    // An event after the snapshot, and a crash before the next one: replayed on the next start.
    await service.ingest.ingest([{ id: 'late', user: world.users[0]!.id, video: world.videos[0]!.id, type: 'like' }]);
    await service.caughtUp();
    const late = stateDigest(service.state);
    await service.store.close(); // no snapshot at close: as after a kill
    service = await ForyouService.open(db);
    expect(service.restoredFrom?.seq).toBe(events.length);
    expect(service.state.learner!.ranker.updates).toBe(updates + 1);
    expect(stateDigest(service.state)).toBe(late);
    await service.close();
  });
});
