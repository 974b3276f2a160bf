// The machine-speed gauge named beside every figure: rankerCandidatesPerSec (and onlineEventsPerSec), measured as
// `npm run bench` measures them — the online ranker scoring 1,000,000 candidates on one core after learning 500,000
// simulated events of the bench's default world. Prints one JSON line. About a minute.
//   npm run build && node bench/scripts/gauge.mjs
const dist = new URL(process.env.DIST ?? '../../dist/', import.meta.url).href;
const { createWorld } = await import(dist + 'sim/world.js');
const { generateEvents } = await import(dist + 'sim/events.js');
const { measureRankerThroughput } = await import(dist + 'bench/ranker-throughput.js');

const world = createWorld({ videos: 100_000, users: 10_000, seed: 7 });
const events = [...generateEvents(world, 500_000)];
console.log(JSON.stringify({ ...measureRankerThroughput(world.videos, world.users, events, 1_000_000), date: new Date().toISOString() }));
