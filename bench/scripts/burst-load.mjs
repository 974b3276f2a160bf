// A burst of events against `foryou serve` on an existing bench store, and what it did to the event loop:
//   node bench/scripts/burst-load.mjs [DB=bench/.work/bench.db] [EVENTS=100000] [VIDEOS=100000] [USERS=10000]
// Starts the server (one feed worker), posts EVENTS events of the bench's simulated world in batches of 1,000, four
// at a time, then prints events/s, the batch p99 and /v1/ops/runtime's event-loop pauses since ready.
import { spawn } from 'node:child_process';

const env = (name, fallback) => process.env[name] ?? fallback;
const db = env('DB', 'bench/.work/bench.db');
const total = Number(env('EVENTS', 100_000));
const key = 'burst-'.padEnd(32, 'k');
const port = 8932;
const child = spawn(process.execPath, ['bin/foryou.js', 'serve', '--db', db, '--port', String(port), '--no-retrain', '--rate-limit', 'service=1000000000'], {
  env: { ...process.env, FORYOU_SERVICE_KEY: key },
  stdio: 'ignore',
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
const runtime = await (await fetch(`${url}/v1/ops/runtime`, { headers: { authorization: `Bearer ${key}` } })).json();
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ eventsPerSec: Math.round(total / seconds), batchP99Ms: latencies[Math.floor(latencies.length * 0.99)], eventLoop: runtime.eventLoop }));
child.kill('SIGKILL');
