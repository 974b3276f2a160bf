// A burst of events against `foryou serve` on an existing bench store, and what it did to the event loop:
//   node bench/scripts/burst-load.mjs [DB=bench/.work/bench.db] [EVENTS=100000] [VIDEOS=100000] [USERS=10000]
// Starts the server (one feed worker), posts EVENTS events of the bench's simulated world in batches of 1,000, four
// at a time, while requesting feeds one at a time until every replica has learned the burst (POST /v1/ops/catch-up);
// then prints events/s, the batch p99, the feed p99 before and during the burst, the catch-up time and
// /v1/ops/runtime's event-loop pauses since ready.
import { spawn } from 'node:child_process';

const env = (name, fallback) => process.env[name] ?? fallback;
const db = env('DB', 'bench/.work/bench.db');
const total = Number(env('EVENTS', 100_000));
const key = 'burst-'.padEnd(32, 'k');
const port = 8932;
const profile = process.env.PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROFILE] : [];
// NODE_FLAGS: more flags for the server's node (e.g. --trace-gc), SERVER_LOG: a file for its output.
if (process.env.NODE_FLAGS) profile.push(...process.env.NODE_FLAGS.split(' '));
const { openSync } = await import('node:fs');
const serverOutput = process.env.SERVER_LOG ? openSync(process.env.SERVER_LOG, 'w') : 'ignore';
const child = spawn(process.execPath, [...profile, 'bin/foryou.js', 'serve', '--db', db, '--port', String(port), '--no-retrain', '--rate-limit', 'service=1000000000'], {
  env: { ...process.env, FORYOU_SERVICE_KEY: key },
  stdio: ['ignore', serverOutput, serverOutput],
});
const url = `http://127.0.0.1:${port}`;
for (;;) {
  const ready = await fetch(`${url}/readyz`).catch(() => undefined);
  if (ready?.status === 200) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const { createWorld, generateEvents, clientEvent } = await import('../../dist/sim/index.js');
const world = createWorld({ videos: Number(env('VIDEOS', 100_000)), users: Number(env('USERS', 10_000)), seed: 7 });
const events = [...generateEvents(world, total, { idPrefix: `burst${Date.now()}-`, seed: 78 })].map(clientEvent);
const now = Date.now();
for (const event of events) event.ts = now;
const bodies = [];
for (let i = 0; i < events.length; i += 1000) bodies.push(JSON.stringify({ events: events.slice(i, i + 1000) }));
const auth = { authorization: `Bearer ${key}` };
const feedLatencies = [];
let feeding = true;
async function feeds(into) {
  for (let i = 0; feeding; i++) {
    const user = world.users[(i * 7919) % world.users.length].id;
    const sent = performance.now();
    const response = await fetch(`${url}/v1/feed/${user}?n=10`, { headers: auth });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`feed refused: ${response.status}`);
    into.push(performance.now() - sent);
  }
}
const p99 = (values) => Math.round(values.sort((a, b) => a - b)[Math.floor(values.length * 0.99)] * 100) / 100;
// Quiet first: the same feeds with nothing else going on.
const quiet = [];
const quietRun = feeds(quiet);
await new Promise((resolve) => setTimeout(resolve, 5000));
feeding = false;
await quietRun;
feeding = true;
const feedRun = feeds(feedLatencies);
let next = 0;
const latencies = [];
const start = Date.now();
await Promise.all(
  [0, 1, 2, 3].map(async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const sent = Date.now();
      const response = await fetch(`${url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`batch refused: ${response.status}`);
      latencies.push(Date.now() - sent);
    }
  }),
);
const seconds = (Date.now() - start) / 1000;
const caughtUp = await (await fetch(`${url}/v1/ops/catch-up`, { method: 'POST', headers: auth })).json();
feeding = false;
await feedRun;
const runtime = await (await fetch(`${url}/v1/ops/runtime`, { headers: { authorization: `Bearer ${key}` } })).json();
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    eventsPerSec: Math.round(total / seconds),
    batchP99Ms: latencies[Math.floor(latencies.length * 0.99)],
    catchUpMs: caughtUp.waitedMs,
    quietFeedP99Ms: p99(quiet),
    feedP99DuringBurstMs: p99(feedLatencies),
    feeds: feedLatencies.length,
    eventLoop: runtime.eventLoop,
  }),
);
// PROFILE=DIR: the server ran with --cpu-prof, whose profiles are written as it exits gracefully.
if (process.env.PROFILE) {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
} else child.kill('SIGKILL');
