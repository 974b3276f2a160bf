/**
 * Gives back the heap a replica's rebuild churned through. Replaying the log allocates an object per stored row; the
 * few that live on are spread over many old-space pages, which V8 keeps committed: after rebuilding the 100k-video
 * world a replica's process held 706 MB resident for some 170 MB of live data, and Node sends V8 no idle signal, so
 * its memory reducer never ran. Each full collection evacuates the most fragmented pages; repeated until the heap
 * stops shrinking, the same replica came down to about 380 MB (about 0.1 s a round there).
 *
 * V8 evacuates only the pages its heuristics pick, so fragmented pages stayed committed (a replica of the 1M-video
 * world, built cold, held 1,094 MB of heap for 736 MB live). During these collections every full GC compacts: in
 * the 100k-video world that took one replica's heap from 246 to 162 MB, its process from 396 to 308 MB resident.
 * The flag is process-wide: a feed worker ending its rounds may turn it off under the main thread's, which then
 * finishes with ordinary collections (less given back, nothing wrong).
 *
 * Called once a replica is built, before it serves (and every few million events of its rebuild): never on a
 * request's path.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** Full collections until the committed heap shrinks by less than 3 % (at most `maxRounds`); returns the bytes freed. */
export function compactHeap(maxRounds = 20): number {
  if (!collect) {
    // The documented way to reach the collector without starting Node with --expose-gc: a new context sees it.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  const start = getHeapStatistics().total_heap_size;
  let before = start;
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    for (let round = 0; round < maxRounds; round++) {
      collect();
      const after = getHeapStatistics().total_heap_size;
      if (after > before * 0.97) break;
      before = after;
    }
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
  return start - getHeapStatistics().total_heap_size;
}
