import { describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import type { AcceptedEvent, EventType, Video } from '../../src/core/schemas.js';
import { OnlineState } from '../../src/features/online-state.js';

const HOUR = 3_600_000;
const T0 = 1_790_000_000_000;
const WINDOW = DEFAULT_ALGORITHM.freshWindowMs;

function video(id: string, createdAt = T0, status: Video['status'] = 'live'): Video {
  return { id, creator: `creator-${id}`, durationMs: 10_000, caption: '', hashtags: [], language: 'en', region: 'DE', createdAt, status };
}

let eventNumber = 0;
function event(user: string, videoId: string, type: EventType, watchMs: number | null = null, ts = T0 + HOUR): AcceptedEvent {
  return { id: `ev${eventNumber++}`, user, video: videoId, creator: `creator-${videoId}`, type, ts, watchMs };
}

/** A state without the ranker: exposure does not depend on it, and the test stays about exposure. */
function stateWith(...videos: Video[]): OnlineState {
  const state = new OnlineState(DEFAULT_ALGORITHM, { learn: false });
  for (const v of videos) state.putVideo(v);
  return state;
}

function exploringIds(state: OnlineState): string[] {
  const { exploring, exploringCount } = state.freshExposure;
  return Array.from(exploring.subarray(0, exploringCount), (vidx) => state.catalog.video(vidx).id).sort();
}

/** The exploring list's own columns agree with the per-video ones at every place. */
function expectPlacesMatchVideos(state: OnlineState): void {
  const { exploring, exploringCount, exploringGood, exploringBad, exploringCreatedAt, good, bad } = state.freshExposure;
  const places = Array.from(exploring.subarray(0, exploringCount), (_, at) => [exploringGood[at], exploringBad[at], exploringCreatedAt[at]]);
  const videos = Array.from(exploring.subarray(0, exploringCount), (vidx) => [good[vidx], bad[vidx], state.catalog.createdAt[vidx]]);
  expect(places).toEqual(videos);
}

describe('FreshExposure', () => {
  it('promotes a video one stage per judged pool while its good-view rate holds up, and counts good and bad views as defined', () => {
    const state = stateWith(video('v'));
    const vidx = state.catalog.vidx('v')!;
    const exposure = state.freshExposure;
    const stages: number[] = [];
    // 9 full watches: fewer responses than half the first pool (10), so still stage 0.
    for (let i = 0; i < 9; i++) state.applyEvent(event(`u${i}`, 'v', 'play', 9_000));
    stages.push(exposure.stage[vidx]!);
    state.applyEvent(event('u9', 'v', 'like'));
    stages.push(exposure.stage[vidx]!); // 10 good responses: the first pool is judged → stage 1
    for (let i = 0; i < 30; i++) state.applyEvent(event(`w${i}`, 'v', 'play', i % 3 === 0 ? 2_000 : 6_000));
    stages.push(exposure.stage[vidx]!); // 40 responses, 30 good: second pool (80) judged → stage 2
    expect(stages).toEqual([0, 1, 2]);
    expect(exposure.good[vidx]).toBe(30);
    expect(exposure.bad[vidx]).toBe(10);
    expect(exposure.cap(2)).toBe(320);

    // Impressions, impressions without response, follows do not count as views; skips, not-interested and reports
    // are bad; an unlike takes a good one back.
    state.applyEvent(event('x', 'v', 'impression'));
    state.applyEvent(event('x', 'v', 'skip', 200));
    state.applyEvent(event('y', 'v', 'not_interested'));
    state.applyEvent(event('z', 'v', 'report'));
    state.applyEvent(event('u9', 'v', 'unlike'));
    expect([exposure.good[vidx], exposure.bad[vidx]]).toEqual([29, 13]);
  });

  it('gives every video its first pool, then drops one whose rate does not hold up, even after a promotion', () => {
    const state = stateWith(video('poor'), video('fading'));
    const exposure = state.freshExposure;
    const poor = state.catalog.vidx('poor')!;
    const fading = state.catalog.vidx('fading')!;
    for (let i = 0; i < 19; i++) state.applyServed({ user: `u${i}`, video: 'poor', ts: T0 + HOUR });
    state.applyEvent(event('u0', 'poor', 'skip', 100));
    expect(exploringIds(state)).toEqual(['fading', 'poor']); // one impression left in its first pool
    state.applyServed({ user: 'u19', video: 'poor', ts: T0 + HOUR });
    expect(exploringIds(state)).toEqual(['fading']);

    for (let i = 0; i < 30; i++) {
      state.applyServed({ user: `f${i}`, video: 'fading', ts: T0 + HOUR });
      state.applyEvent(event(`f${i}`, 'fading', 'play', 9_000));
    }
    expect(exposure.stage[fading]).toBe(1);
    expect(exploringIds(state)).toEqual(['fading']);
    // Its next viewers skip it: the posterior falls below the target and it leaves the fresh source.
    for (let i = 30; i < 90; i++) state.applyEvent(event(`f${i}`, 'fading', 'skip', 100));
    expect(exposure.holdsUpProbability(fading)).toBeLessThan(DEFAULT_ALGORITHM.freshExposure.confidence);
    expect(exposure.stage[fading]).toBe(0);
    expect(exploringIds(state)).toEqual([]);
    expect(exposure.served[poor]).toBe(20);
  });

  it('reaches the same stages and exploring set whatever the interleaving of events and served items (rebuild order)', () => {
    const videos = Array.from({ length: 12 }, (_, i) => video(`v${i}`, T0 - i * HOUR));
    const live: Array<{ kind: 'event'; event: AcceptedEvent } | { kind: 'served'; user: string; video: string; ts: number }> = [];
    for (let viewer = 0; viewer < 90; viewer++) {
      for (let i = 0; i < videos.length; i++) {
        if ((viewer * 7 + i) % 3 === 0) continue;
        const id = `v${i}`;
        const ts = T0 + viewer * 60_000;
        live.push({ kind: 'served', user: `u${viewer}`, video: id, ts });
        // Even-numbered videos are watched, odd ones mostly skipped; v11 is watched by its first viewers only, so a
        // ratchet that promotes on early evidence would end elsewhere depending on the replay order.
        const watched = i === 11 ? viewer < 25 : i % 2 === 0 ? viewer % 5 !== 0 : viewer % 5 === 0;
        live.push({ kind: 'event', event: event(`u${viewer}`, id, watched ? 'play' : 'skip', watched ? 8_000 : 300, ts + 1000) });
      }
    }
    const interleaved = stateWith(...videos);
    for (const step of live) {
      if (step.kind === 'event') interleaved.applyEvent(step.event);
      else interleaved.applyServed(step);
    }
    // OnlineState.rebuild replays every event first, then every served item.
    const replayed = stateWith(...videos);
    for (const step of live) if (step.kind === 'event') replayed.applyEvent(step.event);
    for (const step of live) if (step.kind === 'served') replayed.applyServed(step);

    const columns = (state: OnlineState) => {
      const { served, good, bad, stage } = state.freshExposure;
      const n = videos.length;
      return [served, good, bad, stage].map((column) => Array.from(column.subarray(0, n)));
    };
    expect(columns(replayed)).toEqual(columns(interleaved));
    expect(exploringIds(replayed)).toEqual(exploringIds(interleaved));
    expectPlacesMatchVideos(interleaved);
    expectPlacesMatchVideos(replayed);
    // The scenario exercises both outcomes: watched videos were promoted and keep exploring, skipped ones left.
    const stages = columns(interleaved)[3]!;
    expect(Math.min(...stages.filter((_, i) => i % 2 === 0))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...stages.filter((_, i) => i % 2 === 1))).toBe(0);
    expect(exploringIds(interleaved)).toEqual(['v0', 'v10', 'v2', 'v4', 'v6', 'v8']);
  });

  it('only live videos younger than the fresh window (by serving time) explore', () => {
    const state = stateWith(video('new', T0), video('pending', T0, 'pending'), video('older', T0 - WINDOW + 2 * HOUR));
    expect(exploringIds(state)).toEqual(['new', 'older']);
    state.putVideo(video('new', T0, 'removed'));
    expect(exploringIds(state)).toEqual(['older']);
    state.putVideo(video('pending', T0, 'live'));
    expect(exploringIds(state)).toEqual(['older', 'pending']);
    // Serving time passes the older video's window: a sweep drops it without anything happening to that video.
    state.applyServed({ user: 'a', video: 'pending', ts: T0 + HOUR });
    expect(exploringIds(state)).toEqual(['older', 'pending']);
    state.applyServed({ user: 'b', video: 'pending', ts: T0 + 3 * HOUR });
    expect(exploringIds(state)).toEqual(['pending']);
    // A client-stamped event time far in the future does not age anything out: only serving time does.
    state.applyEvent(event('c', 'pending', 'play', 9_000, T0 + 1000 * WINDOW));
    expect(exploringIds(state)).toEqual(['pending']);
    // A video uploaded with a creation time past its window is never tried.
    state.putVideo(video('stale', T0 - 2 * WINDOW));
    expect(exploringIds(state)).toEqual(['pending']);
    // A re-upload with a new creation time moves the exploring entry's time too.
    state.putVideo(video('pending', T0 + HOUR, 'live'));
    expectPlacesMatchVideos(state);
    expect(state.freshExposure.exploringCreatedAt[0]).toBe(T0 + HOUR);
  });
});
