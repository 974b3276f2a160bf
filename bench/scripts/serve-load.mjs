// Throughput of a served store, in several windows, with each server thread's CPU a feed (bench/results/feed-cost.md):
// starts `foryou serve` on a copy of a bench store (main thread + 1 feed worker), warms up with 2,000 pages, then
// runs REPS windows of N feed requests, 16 at a time, with the bench's load generator (runGets).
//   npm run build && cp bench/.work/bench.db /tmp/copy.db && DB=/tmp/copy.db node bench/scripts/serve-load.mjs
// REPS (3), N (8,000), USERS (100,000: the bench's u1…uN); DIST=path/ reads another build; EXTRA='--flag …'. The store must be a copy:
// the server writes what it serves into it. ATTACH=<url> PID= KEY= measures a server already running instead.
import { readdirSync, readFileSync } from 'node:fs';

const dist = new URL(process.env.DIST ?? '../../dist/', import.meta.url).href;
const { spawnServe } = await import(dist + 'bench/serve-process.js');
const { runGets } = await import(dist + 'bench/http-load.js');

/** ATTACH=<url> PID=<pid> KEY=<service key>: a server already running (a store of a million videos takes ~20 min to
 * start), left running afterwards; otherwise one started here on DB and stopped at the end. */
async function serve() {
  if (process.env.ATTACH) {
    const pid = Number(process.env.PID);
    if (!pid || !process.env.KEY) throw new Error('ATTACH needs PID=<the server process> and KEY=<a service key>');
    return { url: process.env.ATTACH, serviceKey: process.env.KEY, child: { pid, kill() {} }, exited: Promise.resolve() };
  }
  if (!process.env.DB) throw new Error('DB=<a copy of a bench store> (or ATTACH=) is required');
  const started = Date.now();
  // EXTRA: more serve flags, e.g. '--no-retrain' so that a refit does not share the measured cores (builds that have it).
  const extra = (process.env.EXTRA ?? '').split(' ').filter(Boolean);
  const spawned = await spawnServe(['--db', process.env.DB, '--rate-limit', 'service=1000000000', '--feed-workers', '1', ...extra]);
  console.error(`server up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return spawned;
}
const server = await serve();
const auth = { authorization: `Bearer ${server.serviceKey}` };
const users = Number(process.env.USERS ?? 100_000);
let pick = 0;
const url = () => `${server.url}/v1/feed/u${((pick = (pick * 1_103_515_245 + 12_345) % 2 ** 31) % users) + 1}?n=10`;

/** CPU ticks (1/100 s) of each thread of the server process, from /proc. */
const threadTicks = () => {
  const ticks = new Map();
  for (const tid of readdirSync(`/proc/${server.child.pid}/task`)) {
    const stat = readFileSync(`/proc/${server.child.pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(tid, { name: readFileSync(`/proc/${server.child.pid}/task/${tid}/comm`, 'utf8').trim(), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  return ticks;
};

try {
  await runGets(2000, 16, url, auth);
  const n = Number(process.env.N ?? 8000);
  for (let rep = 0; rep < Number(process.env.REPS ?? 3); rep++) {
    const before = threadTicks();
    const cpuBefore = process.cpuUsage();
    const result = await runGets(n, 16, url, auth);
    const loadgen = process.cpuUsage(cpuBefore);
    const after = threadTicks();
    const served = result.latenciesMs.length;
    const busy = [...after]
      .map(([tid, t]) => [t.name, ((t.ticks - (before.get(tid)?.ticks ?? 0)) * 10) / served])
      .filter(([, ms]) => ms > 0.02);
    const latencies = result.latenciesMs.sort((a, b) => a - b);
    console.log(JSON.stringify({
      feedsPerSec: Math.round(served / result.seconds),
      p50Ms: Number(latencies[served >> 1].toFixed(2)),
      p99Ms: Number(latencies[Math.floor(served * 0.99)].toFixed(2)),
      serverCpuMsPerFeed: Number(busy.reduce((sum, [, ms]) => sum + ms, 0).toFixed(2)),
      threadCpuMsPerFeed: busy.map(([name, ms]) => `${name}:${ms.toFixed(2)}`).join(' '),
      loadGeneratorCpuMsPerFeed: Number(((loadgen.user + loadgen.system) / 1000 / served).toFixed(3)),
      failures: result.failures,
    }));
  }
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
}
