/**
 * The whole online state through a snapshot on disk: a state learned from a simulated world, snapshotted at a random
 * point of its log (events, served items, an erasure), restored from the files and fed the rest, has the digest of the
 * state fed the whole log without a stop.
 */
import fc from 'fast-check';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { AcceptedEvent } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';
import { createWorld, generateEvents, Random } from '../../src/sim/index.js';
import { reviveSnapshot } from '../../src/snapshot/restore-state.js';
import { readLatestSnapshot, snapshotNames, writeStateSnapshot } from '../../src/snapshot/state-snapshot.js';
import { stateDigest } from '../../src/snapshot/state-digest.js';
import type { ServedItem } from '../../src/store/store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const NOW = Date.UTC(2025, 0, 1);
let run = 0;

type Step = { event: AcceptedEvent & { seq: number } } | { served: ServedItem } | { erase: string };

function apply(state: OnlineState, step: Step): void {
  if ('event' in step) state.applyEvent(step.event);
  else if ('served' in step) state.applyServed(step.served);
  else state.eraseUser(step.erase);
}

/** A log of events with served items between them and, somewhere, one user erased. */
function randomLog(seed: number, world: ReturnType<typeof createWorld>): Step[] {
  const random = new Random(seed).fork(5);
  const steps: Step[] = [];
  let served = 0;
  const events = [...generateEvents(world, 1_500, { seed })];
  const erased = random.pick(world.users).id;
  const eraseAt = random.int(events.length);
  events.forEach((event, i) => {
    if (i === eraseAt) steps.push({ erase: erased });
    steps.push({ event: { ...event, seq: i + 1 } });
    if (random.chance(0.2)) steps.push({ served: { user: event.user, video: random.pick(world.videos).id, ts: event.ts, seq: ++served } });
  });
  return steps;
}

async function restore(dir: string): Promise<OnlineState> {
  const loaded = (await readLatestSnapshot(dir, () => undefined))!;
  reviveSnapshot(loaded);
  return loaded.state;
}

describe('state snapshot', () => {
  it('restores a state whose digest, after the rest of the log, equals the uninterrupted one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), async (seed, cut) => {
        const world = createWorld({ users: 60, videos: 200, seed, now: NOW });
        const steps = randomLog(seed, world);
        const at = Math.floor(cut * steps.length);
        const whole = new OnlineState(DEFAULT_ALGORITHM);
        const stopped = new OnlineState(DEFAULT_ALGORITHM);
        for (const state of [whole, stopped]) {
          for (const video of world.videos) state.putVideo(video);
          for (const user of world.users) state.putUser(user);
        }
        for (const step of steps) apply(whole, step);
        for (const step of steps.slice(0, at)) apply(stopped, step);
        const dir = join(temp.dir, `run-${run++}`);
        writeStateSnapshot(stopped, dir);
        const restored = await restore(dir);
        expect(stateDigest(restored)).toBe(stateDigest(stopped));
        for (const step of steps.slice(at)) apply(restored, step);
        expect(stateDigest(restored)).toBe(stateDigest(whole));
        expect(restored.position).toEqual(whole.position);
      }),
      { numRuns: 25 },
    );
  });

  it('is written atomically, checked against its checksum, and pruned', async () => {
    const world = createWorld({ users: 30, videos: 80, seed: 3, now: NOW });
    const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, 400, { seed: 3 }), DEFAULT_ALGORITHM);
    const dir = join(temp.dir, 'pruned');
    const first = writeStateSnapshot(state, dir);
    const second = writeStateSnapshot(state, dir);
    const third = writeStateSnapshot(state, dir);
    // The newest and one before it stay; nothing half-written is left.
    expect(snapshotNames(dir)).toEqual([third.path, second.path].map((path) => path.split('/').at(-1)));
    expect(readdirSync(dir).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    expect(first.pruned + second.pruned + third.pruned).toBe(1);
    // A torn newest is passed over for the one before it.
    writeFileSync(join(third.path, 'state.bin'), 'torn');
    const reasons: string[] = [];
    const loaded = (await readLatestSnapshot(dir, () => undefined, (_name, reason) => reasons.push(reason)))!;
    expect(loaded.path).toBe(second.path);
    expect(reasons.join()).toMatch(/checksum|ends at byte/);
    // keep 0 (after an erasure): only the new one stays.
    const fourth = writeStateSnapshot(state, dir, 0);
    expect(snapshotNames(dir)).toEqual([fourth.path.split('/').at(-1)]);
  });
});
