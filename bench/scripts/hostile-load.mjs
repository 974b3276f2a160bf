// Other users' feed latency while one user's key abuses the server (issue 18): starts `foryou serve --demo` on a
// fresh store (or DB=<a copy of a bench store>), gives 40 users feed requests in a loop (4 at a time) and, scenario by
// scenario, runs what a hostile client with an ordinary user key did: bodies of millions of nested brackets, floods
// of 10,000-event batches on 3 connections, 3 concurrent exports of a large account, 60 concurrent uploads, 3,000
// fake likes. Prints one JSON line per scenario: the others' feed p50/p99 during it, and the abusive requests'
// statuses.
//   npm run build && node bench/scripts/hostile-load.mjs
// SECONDS (8) per scenario; DIST=path/ reads another build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dist = new URL(process.env.DIST ?? '../../dist/', import.meta.url).href;
const { spawnServe, CLI } = await import(dist + 'bench/serve-process.js');
const { locateFfmpeg } = await import(dist + 'media/ffmpeg.js');
const { makeClip } = await import(dist + 'media/synthetic-clip.js');

const seconds = Number(process.env.SECONDS ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'foryou-hostile-'));
const db = process.env.DB ?? join(dir, 'hostile.db');
const server = await spawnServe(['--db', db, '--demo', '--rate-limit', 'service=1000000000,user=1000000000', '--no-retrain']);
const service = { authorization: `Bearer ${server.serviceKey}` };
const keyOf = (user) => execFileSync(process.execPath, [CLI, 'keys', 'create', '--db', db, '--role', 'user', '--user', user]).toString().trim().split('\n').at(-1);
const mallory = keyOf('mallory');
const asMallory = { authorization: `Bearer ${mallory}` };

const json = (headers) => ({ ...headers, 'content-type': 'application/json' });
const post = (path, body, headers) => fetch(`${server.url}${path}`, { method: 'POST', headers: json(headers), body });
const victims = Array.from({ length: 40 }, (_, i) => `victim${i}`);
const videos = (await (await fetch(`${server.url}/v1/feed/victim0?n=50&mode=nonpersonalized`, { headers: service })).json()).items.map((item) => item.video.id);

/** Victims' feed latencies while `abuse` runs (it gets a signal to stop), and the abusive requests' statuses. */
async function scenario(name, abuse) {
  const latencies = [];
  const statuses = {};
  const count = (status) => (statuses[status] = (statuses[status] ?? 0) + 1);
  const stop = new AbortController();
  const until = Date.now() + seconds * 1000;
  const victimLoop = async (offset) => {
    for (let i = offset; Date.now() < until; i += 4) {
      const started = performance.now();
      const response = await fetch(`${server.url}/v1/feed/${victims[i % victims.length]}?n=10`, { headers: service });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
    }
  };
  const abuser = abuse(count, stop.signal).catch((error) => count(`error:${error.message}`));
  await Promise.all([0, 1, 2, 3].map(victimLoop));
  stop.abort();
  await abuser;
  latencies.sort((a, b) => a - b);
  const at = (q) => Number((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN).toFixed(1));
  console.log(JSON.stringify({ scenario: name, victimFeeds: latencies.length, victimP50Ms: at(0.5), victimP99Ms: at(0.99), victimMaxMs: at(1), abusive: statuses }));
}

/** Runs `request` on `connections` loops until stopped, counting statuses. */
const loops = (connections, request) => async (count, signal) => {
  await Promise.all(Array.from({ length: connections }, async () => {
    while (!signal.aborted) {
      try {
        const response = await request(signal);
        await response.arrayBuffer();
        count(response.status);
      } catch (error) {
        if (!signal.aborted) count(`error:${error.cause?.code ?? error.message}`);
      }
    }
  }));
};

const nested = Buffer.from(`{"events":${'['.repeat(8_000_000)}${']'.repeat(8_000_000)}}`);
let eventIds = 0;
const batch = (user, n) => JSON.stringify({ events: Array.from({ length: n }, () => ({ id: `e${eventIds++}`, user, type: 'play', video: videos[eventIds % videos.length], watchMs: 5_000 })) });

try {
  await scenario('baseline', async () => {});
  await scenario('nested 16 MB bodies, user key, 3 at once', loops(3, (signal) => post('/v1/users/mallory/events', nested, asMallory, signal)));
  await scenario('nested 16 MB bodies, service key, 3 at once', loops(3, (signal) => post('/v1/users/mallory/events', nested, service, signal)));
  const flood = batch('mallory', 10_000);
  await scenario('10,000-event batches, user key, 3 connections', loops(3, () => post('/v1/users/mallory/events', flood, asMallory)));
  // A large account to export: 200,000 events relayed by the operator's key.
  for (let i = 0; i < 20; i++) await (await post('/v1/events', batch('mallory', 10_000), service)).arrayBuffer();
  await scenario('exports of a 200k-event account, user key, 3 at once', loops(3, () => fetch(`${server.url}/v1/users/mallory/export`, { headers: asMallory })));
  await scenario('3,000 fake likes of one video, user key', async (count) => {
    for (let i = 0; i < 3; i++) {
      const likes = JSON.stringify({ events: Array.from({ length: 1_000 }, (_, j) => ({ id: `like-${i}-${j}`, user: 'mallory', type: 'like', video: videos[0] })) });
      count((await post('/v1/users/mallory/events', likes, asMallory)).status);
    }
  });
  const clipPath = join(dir, 'clip.mp4');
  await makeClip(await locateFfmpeg(), clipPath, { pattern: 'testsrc2', seconds: 3, text: 'hostile' });
  const clip = readFileSync(clipPath);
  await scenario('60 concurrent uploads, user key', loops(60, () => {
    const form = new FormData();
    form.append('caption', 'flood');
    form.append('file', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
    return fetch(`${server.url}/v1/users/mallory/videos`, { method: 'POST', headers: asMallory, body: form });
  }));
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  if (!process.env.DB) rmSync(dir, { recursive: true, force: true });
}
