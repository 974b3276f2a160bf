/**
 * The whole online state through a snapshot: a state learned from a simulated world, snapshotted at a random point of
 * its event stream, restored and fed the rest, has the digest of the state fed the whole stream without a stop.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { AcceptedEvent } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';
import { createWorld, generateEvents } from '../../src/sim/index.js';
import { readLatestSnapshot, roundTripState, writeStateSnapshot } from '../../src/snapshot/state-snapshot.js';
import { stateDigest } from '../../src/snapshot/state-digest.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const NOW = Date.UTC(2025, 0, 1);

describe('state snapshot', () => {
  it('restores a state whose digest, after the rest of the log, equals the uninterrupted one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, cut) => {
        const world = createWorld({ users: 60, videos: 200, seed, now: NOW });
        const events = [...generateEvents(world, 1_500, { seed })].map((event, i) => ({ ...event, seq: i + 1 }) as AcceptedEvent & { seq: number });
        const at = Math.floor(cut * events.length);
        const whole = new OnlineState(DEFAULT_ALGORITHM);
        const stopped = new OnlineState(DEFAULT_ALGORITHM);
        for (const state of [whole, stopped]) {
          for (const video of world.videos) state.putVideo(video);
          for (const user of world.users) state.putUser(user);
        }
        for (const event of events) whole.applyEvent(event);
        for (const event of events.slice(0, at)) stopped.applyEvent(event);
        const restored = roundTripState(stopped);
        expect(stateDigest(restored)).toBe(stateDigest(stopped));
        for (const event of events.slice(at)) restored.applyEvent(event);
        expect(stateDigest(restored)).toBe(stateDigest(whole));
      }),
      { numRuns: 8 },
    );
  });
});
