/** The web app's rules for what leaving a video reports, and its watch clock (pure code, no browser). */
import { describe, expect, it } from 'vitest';
import { WatchClock } from '../../web/src/events/watch-clock.js';
import { PLAY_THRESHOLD_MS, watchOutcome } from '../../web/src/events/watch-outcome.js';

describe('watchOutcome', () => {
  it('is a play from the threshold on, a skip before, with the watch time either way', () => {
    expect(watchOutcome(PLAY_THRESHOLD_MS, 30_000)).toEqual({ type: 'play', watchMs: PLAY_THRESHOLD_MS });
    expect(watchOutcome(PLAY_THRESHOLD_MS - 1, 30_000)).toEqual({ type: 'skip', watchMs: PLAY_THRESHOLD_MS - 1 });
    expect(watchOutcome(45_000.4, 30_000)).toEqual({ type: 'play', watchMs: 45_000 });
    expect(watchOutcome(-5, 30_000)).toEqual({ type: 'skip', watchMs: 0 });
  });

  it('counts a short video watched (nearly) to the end as a play', () => {
    expect(watchOutcome(1_900, 2_000).type).toBe('play');
    expect(watchOutcome(1_000, 2_000).type).toBe('skip');
  });
});

describe('WatchClock', () => {
  it('counts only the stretches it ran, and starts over when taken', () => {
    const clock = new WatchClock();
    clock.start(1_000);
    clock.start(1_500); // already running: no restart
    clock.stop(3_000);
    clock.stop(4_000); // already stopped
    expect(clock.read(10_000)).toBe(2_000);
    clock.start(10_000);
    expect(clock.take(10_500)).toBe(2_500);
    expect(clock.read(11_000)).toBe(500); // still running, from the take on
  });
});
