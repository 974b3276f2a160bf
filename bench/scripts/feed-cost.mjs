// What one feed page costs in CPU, in-process and on one thread: builds an online state (from a simulated world's
// events, or with DB= from a store), serves pages to random users in their default mode as the bench's load does,
// and reports the mean and tail time per page with the candidates per page and per source (bench/results/feed-cost.md).
//   npm run build && node bench/scripts/feed-cost.mjs [videos] [users] [events] [pages]
// PROFILE=feed.cpuprofile writes a CPU profile of the measured pages; DIST=path/ reads another build.
const dist = new URL(process.env.DIST ?? '../../dist/', import.meta.url).href;
const { createWorld } = await import(dist + 'sim/world.js');
const { generateEvents } = await import(dist + 'sim/events.js');
const { OnlineState } = await import(dist + 'features/online-state.js');
const { FeedService } = await import(dist + 'pipeline/feed-service.js');
const { DEFAULT_ALGORITHM } = await import(dist + 'core/algorithm.js');

const [videos = 100_000, users = 10_000, events = 1_000_000, pages = 20_000] = process.argv.slice(2).map(Number);
if (process.env.ALG) Object.assign(DEFAULT_ALGORITHM, JSON.parse(process.env.ALG));

const started = performance.now();
// DB=file.db: rebuild the state from a store as `foryou serve` does (e.g. a bench's, whose world has seed 7 and
// u1…uN user ids), so a store with a saved ranker snapshot starts in minutes instead of relearning every event.
const world = process.env.DB ? undefined : createWorld({ videos, users, seed: 1 });
let state;
if (process.env.DB) {
  const { openStore } = await import(dist + 'store/open-store.js');
  const store = openStore(process.env.DB, { cacheMb: 8 });
  state = await OnlineState.rebuild(store, DEFAULT_ALGORITHM);
  await store.close();
} else {
  state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, events), DEFAULT_ALGORITHM);
}
const buildSeconds = (performance.now() - started) / 1000;
console.error(`state built in ${buildSeconds.toFixed(0)} s`);

const feeds = new FeedService(state, { recordServed: async () => {} }, () => DEFAULT_ALGORITHM);
let pick = 0;
const userId = (i) => (world ? world.users[i].id : `u${i + 1}`);
const randomUser = () => userId((pick = (pick * 1_103_515_245 + 12_345) % 2 ** 31) % users);
let candidateCount = 0;
let scoredCount = 0;
const perSource = new Array(8).fill(0);
const serve = async () => {
  const user = state.users.get(randomUser());
  const page = await feeds.page(user, { n: 10 }, world?.now ?? Date.now());
  // What the HTTP layer does with it: the page as JSON text.
  return JSON.stringify(page).length;
};
/** The last page's candidates (the pipeline's reused set), counted outside the timed part. */
const countCandidates = () => {
  const candidates = feeds.pipeline.candidates;
  candidateCount += candidates.size;
  for (let slot = 0; slot < candidates.size; slot++) {
    scoredCount += candidates.kept[slot];
    for (let bit = 0; bit < 8; bit++) if (candidates.sourceMask[slot] & (1 << bit)) perSource[bit]++;
  }
};
for (let i = 0; i < Math.min(2000, pages); i++) await serve();
// PROFILE=file.cpuprofile: a CPU profile of the measured pages only (not of building the state).
const profiler = process.env.PROFILE ? await startProfile() : undefined;
const times = new Float64Array(pages);
let total = 0;
for (let i = 0; i < pages; i++) {
  const t = performance.now();
  await serve();
  times[i] = performance.now() - t;
  total += times[i];
  countCandidates();
}
if (profiler) await profiler.stop(process.env.PROFILE);
times.sort();
console.log(JSON.stringify({
  videos, users, events, pages,
  pageMsMean: Number((total / pages).toFixed(3)),
  pageMsP50: Number(times[pages >> 1].toFixed(3)),
  pageMsP99: Number(times[Math.floor(pages * 0.99)].toFixed(3)),
  candidatesPerPage: Math.round(candidateCount / pages),
  scoredPerPage: Math.round(scoredCount / pages),
  perSource: perSource.map((c) => Math.round(c / pages)),
  rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
}));

async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}
