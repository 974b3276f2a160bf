/**
 * Accepts a batch of events: all are checked first, then stored in one durable transaction, and only then
 * acknowledged and applied to the online state. A refused batch changes nothing; a re-sent event changes nothing a
 * second time.
 */
import { z } from 'zod';
import { InputError, type FieldProblem } from '../core/errors.js';
import { EventSchema, implicitUser, MAX_BATCH_EVENTS, type AcceptedEvent, type Event, type User } from '../core/schemas.js';
import { problemsFromIssues } from '../core/validation.js';
import type { OnlineState } from '../features/online-state.js';
import type { StoredEvent, Store } from '../store/store.js';
import { acceptEvent, acceptEvents } from './accept-events.js';

/** The batch envelope; each event is then validated on its own so every bad one is reported. */
const EventEnvelopeSchema = z.strictObject({
  events: z
    .array(z.unknown())
    .min(1, 'must hold at least one event')
    .max(MAX_BATCH_EVENTS, `must hold at most ${MAX_BATCH_EVENTS} events`),
});

function countItems(problems: FieldProblem[]): number {
  return new Set(problems.map((p) => p.index)).size;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export class EventIngest {
  /**
   * `stored`: when the state is fed from the store's log (log-applier.ts), told of each batch once it is durably
   * stored, before it is acknowledged (the log applier applies it behind); without it, stored events are applied
   * here, at once, before the acknowledgement.
   */
  constructor(
    private readonly state: OnlineState,
    private readonly store: Store,
    private readonly stored?: (events: readonly StoredEvent[]) => void,
    /**
     * Resolves when this batch may be checked and stored: a turn of the event loop of its own (turn-queue.ts), so that
     * batches arriving together are not checked and committed back to back, holding every feed behind them all.
     */
    private readonly turn?: () => Promise<void>,
  ) {}

  /**
   * Ingests a request body `{ events: [...] }`, checking every event (schema, then catalogue) so that one
   * refusal lists all bad events by index and field.
   */
  async ingestBody(body: unknown, now = Date.now()): Promise<IngestResult> {
    await this.turn?.();
    const envelope = EventEnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      throw new InputError('invalid event batch; nothing was stored', problemsFromIssues(envelope.error.issues));
    }
    const problems: FieldProblem[] = [];
    const accepted: AcceptedEvent[] = [];
    envelope.data.events.forEach((raw, index) => {
      const parsed = EventSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(...problemsFromIssues(parsed.error.issues, index, 'event'));
        return;
      }
      const result = acceptEvent(parsed.data, this.state, now);
      if ('message' in result) problems.push({ index, ...result });
      else accepted.push(result);
    });
    if (problems.length > 0) {
      throw new InputError(`${countItems(problems)} of ${envelope.data.events.length} events refused; nothing was stored`, problems);
    }
    return this.storeAccepted(accepted, now);
  }

  async ingest(events: readonly Event[], now = Date.now()): Promise<IngestResult> {
    await this.turn?.();
    const { accepted, problems } = acceptEvents(events, this.state, now);
    if (problems.length > 0) {
      throw new InputError(`${problems.length} of ${events.length} events refused; nothing was stored`, problems);
    }
    return this.storeAccepted(accepted, now);
  }

  private async storeAccepted(accepted: AcceptedEvent[], now: number): Promise<IngestResult> {
    const implicitUsers: User[] = [];
    const named = new Set<string>();
    for (const event of accepted) {
      if (!named.has(event.user) && !this.state.users.has(event.user)) implicitUsers.push(implicitUser(event.user, now));
      named.add(event.user);
    }
    const result = await this.store.appendEvents(accepted, implicitUsers);
    // One revision for them all, the batch's last: the state covers the batch only once all of it is applied.
    for (const user of implicitUsers) this.state.putUser(user, result.rev);
    // Acknowledged once durably stored. The learners apply the log behind (log-applier.ts): a burst is acknowledged
    // at the store's pace, not theirs, and the user's next page honours their events at once all the same
    // (acknowledged-events.ts).
    if (this.stored) this.stored(result.inserted);
    else for (const event of result.inserted) this.state.applyEvent(event);
    return { accepted: result.inserted.length, duplicates: result.duplicates };
  }
}
