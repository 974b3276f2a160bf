// Where a replica's memory goes: builds one online state (from a simulated world, or with DB= from a store, as
// `foryou serve` rebuilds each replica), compacts the heap as a replica does, then reports the process's memory
// and, per OnlineState part, the bytes of the typed arrays it reaches and the entries of its Maps and Sets.
//   npm run build && node bench/scripts/state-memory.mjs [videos] [users] [events]
// DB=<store> builds it from the store instead; SNAPSHOT=<file> writes a heap snapshot too.
const dist = new URL(process.env.DIST ?? '../../dist/', import.meta.url).href;
const { createWorld } = await import(dist + 'sim/world.js');
const { generateEvents } = await import(dist + 'sim/events.js');
const { OnlineState } = await import(dist + 'features/online-state.js');
const { DEFAULT_ALGORITHM } = await import(dist + 'core/algorithm.js');
const { compactHeap } = await import(dist + 'service/compact-heap.js');

const [videos = 100_000, users = 10_000, events = 1_000_000] = process.argv.slice(2).map(Number);
const mb = (bytes) => Math.round(bytes / 2 ** 20);
const started = performance.now();
let state;
if (process.env.DB) {
  const { openStore } = await import(dist + 'store/open-store.js');
  const store = openStore(process.env.DB, { cacheMb: 8 });
  state = await OnlineState.rebuild(store, DEFAULT_ALGORITHM);
  await store.close();
} else {
  const world = createWorld({ videos, users, seed: 7 });
  state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, events), DEFAULT_ALGORITHM);
}
console.error(`state built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
compactHeap();

/** Typed-array bytes and Map/Set entries reachable from `root`, each buffer and object counted once overall. */
const seenObjects = new WeakSet();
const seenBuffers = new WeakSet();
function reach(root) {
  const totals = { typedMb: 0, mapEntries: 0, objects: 0 };
  let typed = 0;
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
    if (seenObjects.has(value)) continue;
    seenObjects.add(value);
    if (ArrayBuffer.isView(value)) {
      if (!seenBuffers.has(value.buffer)) {
        seenBuffers.add(value.buffer);
        typed += value.buffer.byteLength;
      }
      continue;
    }
    if (typeof value === 'function') continue;
    totals.objects++;
    if (value instanceof Map) {
      totals.mapEntries += value.size;
      for (const [k, v] of value) stack.push(k, v);
      continue;
    }
    if (value instanceof Set) {
      totals.mapEntries += value.size;
      for (const v of value) stack.push(v);
      continue;
    }
    if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'object') stack.push(v);
      continue;
    }
    for (const key of Object.getOwnPropertyNames(value)) {
      let v;
      try { v = value[key]; } catch { continue; }
      if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  totals.typedMb = mb(typed);
  return totals;
}

const parts = {};
// The smaller parts first, so that what they share with the bigger ones counts with them.
for (const key of ['catalog', 'engagement', 'trending', 'recency', 'topics', 'freshExposure', 'coEngagement', 'batch', 'videoVectors', 'learner', 'users']) {
  parts[key] = reach(state[key]);
}
const memory = process.memoryUsage();
// SNAPSHOT=<file>: also a heap snapshot of the replica, for a closer look (Chrome DevTools' Memory tab reads it).
if (process.env.SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.SNAPSHOT);
console.log(JSON.stringify({
  videos, users, events,
  rssMb: mb(memory.rss), heapUsedMb: mb(memory.heapUsed), heapTotalMb: mb(memory.heapTotal),
  externalMb: mb(memory.external), arrayBuffersMb: mb(memory.arrayBuffers),
  parts,
}, null, 1));
