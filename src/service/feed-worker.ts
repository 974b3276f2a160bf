/**
 * A feed worker thread (see feed-workers.ts): rebuilds its own OnlineState replica from the store, then replays the
 * main thread's changes and runs the feed calls routed to it. It never writes the store: what it serves goes back
 * to the main thread with the answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AcknowledgedEvents } from '../features/acknowledged-events.js';
import { OnlineState, type StateChange } from '../features/online-state.js';
import { FeedService } from '../pipeline/feed-service.js';
import { openStore } from '../store/open-store.js';
import type { ServedItem } from '../store/store.js';
import { compactHeap } from './compact-heap.js';
import { SLICE_MS, SlicedApplier } from './sliced-applier.js';
import { restoreState } from '../snapshot/restore-state.js';
import { writeStateSnapshot } from '../snapshot/state-snapshot.js';
import { describeError, type FromWorker, type ToWorker, type WorkerData } from './feed-workers.js';

const port = parentPort!;
const { location, algorithm, cursorKey } = workerData as WorkerData;

function send(message: FromWorker): void {
  port.postMessage(message);
}

try {
  // Only scanned once, in order: a small page cache, not the 256 MB that speeds up appends (and stays resident).
  const store = openStore(location, { cacheMb: 8 });
  let state: OnlineState;
  try {
    // From the newest usable snapshot and the log after it, as the main thread does; else the whole log.
    state = (await restoreState(store, location, algorithm, { tidy: compactHeap }))?.state ?? (await OnlineState.rebuild(store, algorithm, { tidy: compactHeap }));
  } finally {
    await store.close();
  }
  compactHeap();
  // The vector index's refreshes run in turns of their own, between feed calls and replicated changes.
  if (state.videoVectors) state.videoVectors.deferRefresh = (refresh) => setImmediate(refresh);
  let config = algorithm;
  /** Events the main thread acknowledged that this replica has not applied yet: honoured by the user's pages. */
  const acknowledged = new AcknowledgedEvents();
  /** Items served per user by calls still running; taken by the call when it answers. */
  const served = new Map<string, ServedItem[]>();
  const feed = new FeedService(
    state,
    {
      recordServed: async (items) => {
        for (const item of items) {
          const list = served.get(item.user);
          if (list) list.push(item);
          else served.set(item.user, [item]);
        }
      },
    },
    () => config,
    Buffer.from(cursorKey, 'hex'),
    acknowledged,
  );

  // The main thread's changes, applied a slice at a time with feed calls between: a burst's events no longer hold
  // the calls behind every change message queued before them. A call sees the user's own acknowledged events through
  // the overlay; every other kind of change (videos, users, models, resets, erasures), which a page must see, is
  // applied at once with everything before it.
  const changes = new SlicedApplier<StateChange>((change) => {
    state.applyChange(change);
    if (change.op === 'applyEvent' && change.event.seq !== undefined) acknowledged.settle(change.event.user, change.event.seq);
  });

  port.on('message', (message: ToWorker) => {
    switch (message.kind) {
      case 'changes':
        changes.push(message.changes, 1 + findLastIndex(message.changes, (change) => change.op !== 'applyEvent' && change.op !== 'applyServed'));
        return;
      case 'acknowledged':
        acknowledged.add(message.events, state.position.seq);
        return;
      case 'sync':
        void changes.idle().then(() => send({ kind: 'synced', id: message.id }));
        return;
      case 'algorithm':
        config = message.config;
        return;
      case 'snapshot':
        // Synchronous, after every change sent before it: no change is applied while the cut is written, and the
        // main thread serves this replica's users.
        try {
          changes.drain();
          send({ kind: 'snapshotted', id: message.id, written: writeStateSnapshot(state, message.dir, message.keep) });
        } catch (error) {
          send({ kind: 'error', id: message.id, error: describeError(error) });
        }
        return;
      case 'call':
        // One slice first: a worker that keeps up answers with everything sent before the call.
        changes.applyFor(SLICE_MS);
        void run(message);
        return;
    }
  });

  async function run(message: Extract<ToWorker, { kind: 'call' }>): Promise<void> {
    try {
      const user = state.users.get(message.user);
      // The main thread creates (and replicates) the user before routing a call, so a missing one is a bug.
      if (!user) throw new Error(`user "${message.user}" is not in this replica`);
      const method = feed[message.method] as (...args: unknown[]) => unknown;
      const result = await method.call(feed, user, ...message.args);
      const items = served.get(message.user) ?? [];
      served.delete(message.user);
      send({ kind: 'result', id: message.id, json: JSON.stringify(result), served: items });
    } catch (error) {
      served.delete(message.user);
      send({ kind: 'error', id: message.id, error: describeError(error) });
    }
  }

  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', error: describeError(error) });
}

/** The index of the last item matching, -1 when none (Array.prototype.findLastIndex is ES2023). */
function findLastIndex<T>(items: readonly T[], matches: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (matches(items[i]!)) return i;
  return -1;
}
