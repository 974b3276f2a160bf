/**
 * Sends what the user does in small batches to POST /v1/users/:id/events. Each event gets a random id when it is
 * recorded, so a batch re-sent after a failure is counted once. `flush()` is awaited before a feed page is asked
 * for, so the page reflects everything done before it.
 */
import type { ApiClient } from '../api/client';
import type { ClientEvent, EventType } from '../api/types';

const FLUSH_DELAY_MS = 1500;
const MAX_BATCH = 50;

export interface EventFields {
  video?: string;
  creator?: string;
  watchMs?: number;
}

export class EventReporter {
  private queue: ClientEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: ApiClient,
    private readonly onError: (error: unknown) => void,
  ) {}

  record(type: EventType, fields: EventFields): void {
    this.queue.push({ id: crypto.randomUUID(), user: this.api.user, type, ts: Date.now(), ...fields });
    if (this.queue.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  /** Sends everything recorded so far; resolves once the server has stored it (or refused it). */
  flush(keepalive = false): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue.splice(0);
    if (batch.length > 0) {
      // One batch at a time, in order: a later event never arrives before an earlier one.
      this.sending = this.sending.then(() => this.api.sendEvents(batch, keepalive).then(() => undefined, this.onError));
    }
    return this.sending;
  }
}
