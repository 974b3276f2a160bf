/** What leaving a video means: a `play` with its watch time once it was really watched, else a `skip`. */

/** Watching this long (or the whole of a shorter video) counts as a play. */
export const PLAY_THRESHOLD_MS = 3000;

export type WatchOutcome = { type: 'play' | 'skip'; watchMs: number };

export function watchOutcome(watchMs: number, durationMs: number): WatchOutcome {
  const ms = Math.max(0, Math.round(watchMs));
  const enough = Math.min(PLAY_THRESHOLD_MS, durationMs > 0 ? durationMs * 0.9 : PLAY_THRESHOLD_MS);
  return { type: ms >= enough ? 'play' : 'skip', watchMs: ms };
}
