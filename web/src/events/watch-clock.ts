/** Real watch time of one item: the clock runs only while the video is actually playing (not paused, not buffering). */
export class WatchClock {
  private total = 0;
  private since: number | null = null;

  start(now = performance.now()): void {
    this.since ??= now;
  }

  stop(now = performance.now()): void {
    if (this.since === null) return;
    this.total += now - this.since;
    this.since = null;
  }

  /** The time watched so far, the running stretch included. */
  read(now = performance.now()): number {
    return this.total + (this.since === null ? 0 : now - this.since);
  }

  /** Reads and starts over: the item was left, a later return is a new view. */
  take(now = performance.now()): number {
    const ms = this.read(now);
    this.total = 0;
    this.since = this.since === null ? null : now;
    return ms;
  }
}
