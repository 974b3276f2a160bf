/**
 * Runs waiting tasks one per event-loop turn, in arrival order. The main thread both serves its share of feeds
 * and relays every other request to the feed workers: if it ran each of its pages as soon as its request was
 * parsed, the requests and worker answers that arrived in the same turn would wait behind all of them while the
 * workers idle. Taking one page per turn (from the check phase, after the poll phase has read the sockets) lets the
 * relaying happen between pages.
 */
export class TurnQueue {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  /** Resolves in a later event-loop turn, after the tasks that asked before it, each in a turn of its own. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  get size(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    // An immediate queued from an immediate runs in the next turn: the task resumes (in this callback's microtasks)
    // and the next one waits for a poll phase in between.
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()!();
      this.schedule();
    });
  }
}
