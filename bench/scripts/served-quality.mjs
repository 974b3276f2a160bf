// What served feeds are worth, in-process: builds a simulated world's online state from its events, serves every
// sampled user two personalised pages, and reports the simulator's true expected watch ratio of the served items
// with the mean and tail time per page (one thread). The figures of bench/results/ann.md's served-quality table.
//   npm run build && node bench/scripts/served-quality.mjs [videos] [users] [events] [sampledUsers]
// ALG='{"preRankKeep":100}' overrides algorithm settings; TOWER='{"temperature":0.1}' retrieval tower options.
// Two runs of one config differ by up to about 0.004.
const dist = new URL('../../dist/', import.meta.url).href;
const { createWorld } = await import(dist + 'sim/world.js');
const { generateEvents } = await import(dist + 'sim/events.js');
const { groundTruth } = await import(dist + 'sim/ground-truth.js');
const { OnlineState } = await import(dist + 'features/online-state.js');
const { FeedService } = await import(dist + 'pipeline/feed-service.js');
const { DEFAULT_ALGORITHM } = await import(dist + 'core/algorithm.js');
const { DEFAULT_RETRIEVAL_OPTIONS } = await import(dist + 'models/online/retrieval-tower.js');

const [videos = 100_000, users = 10_000, events = 1_000_000, sampled = 500] = process.argv.slice(2).map(Number);
if (process.env.ALG) Object.assign(DEFAULT_ALGORITHM, JSON.parse(process.env.ALG));
if (process.env.TOWER) Object.assign(DEFAULT_RETRIEVAL_OPTIONS, JSON.parse(process.env.TOWER));

const world = createWorld({ videos, users, seed: 1 });
const state = OnlineState.fromEvents(world.videos, world.users, generateEvents(world, events), DEFAULT_ALGORITHM);

const feeds = new FeedService(state, { recordServed: async () => {} }, () => DEFAULT_ALGORITHM);
const step = Math.max(1, Math.floor(users / sampled));
const times = [];
let value = 0;
let items = 0;
let fromEmbedding = 0;
for (let page = 0; page < 2; page++) {
  for (let u = 0; u < users && u / step < sampled; u += step) {
    const started = performance.now();
    const served = await feeds.page(state.users.get(world.users[u].id), { n: 10, mode: 'personalized' }, world.now);
    times.push(performance.now() - started);
    for (const item of served.items) {
      value += groundTruth(world, u, world.videoIndexById.get(item.video.id)).expectedWatchRatio;
      items++;
      if (item.sources.includes('embedding')) fromEmbedding++;
    }
  }
}
times.sort((a, b) => a - b);
const round = (x, digits) => Number(x.toFixed(digits));
console.log(JSON.stringify({
  servedTrueWatchRatio: round(value / items, 4),
  items,
  embeddingShare: round(fromEmbedding / items, 3),
  pageMsMean: round(times.reduce((a, b) => a + b, 0) / times.length, 2),
  pageMsP50: round(times[times.length >> 1], 2),
  pageMsP99: round(times[Math.floor(times.length * 0.99)], 2),
}));
