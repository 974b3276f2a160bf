// Other users' feed latency while one user's key abuses the server (issue 18): starts `foryou serve --demo` on a
// fresh store (or DB=<a copy of a bench store>), gives 40 users feed requests in a loop (4 at a time) and, scenario by
// scenario, runs what a hostile client with an ordinary user key did: bodies of millions of nested brackets, floods
// of 10,000-event batches on 3 connections, 3 concurrent exports of a large account, 60 concurrent uploads, 3,000
// fake likes. The abuser runs on its own thread (its event loop sending 16 MB bodies must not delay the victims'
// clock). Prints one JSON line per scenario: the others' feed p50/p99 during it, the abusive requests' statuses, and
// the CPU seconds the server process and its ffmpeg/ffprobe children used.
//   npm run build && node bench/scripts/hostile-load.mjs
// SECONDS (8) per scenario; DIST=path/ reads another build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const json = (headers) => ({ ...headers, 'content-type': 'application/json' });

if (isMainThread) await main();
else await abuser(workerData);

async function main() {
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
  const victims = Array.from({ length: 40 }, (_, i) => `victim${i}`);
  const videos = (await (await fetch(`${server.url}/v1/feed/victim0?n=50&mode=nonpersonalized`, { headers: service })).json()).items.map((item) => item.video.id);
  const clip = join(dir, 'clip.mp4');
  await makeClip(await locateFfmpeg(), clip, { pattern: 'testsrc2', seconds: 3, text: 'hostile' });

  /** CPU seconds of the server process and its children that have exited (ffmpeg, ffprobe), from /proc. */
  const serverCpuSeconds = () => {
    const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime, stime, cutime, cstime: fields 14–17 of stat, 12–15 after the command's closing parenthesis.
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
  };

  /** Victims' feed latencies while the abuser thread runs `name`, and the abusive requests' statuses. */
  async function scenario(name, setup = {}) {
    const latencies = [];
    const until = Date.now() + seconds * 1000;
    const cpuBefore = serverCpuSeconds();
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { name, url: server.url, mallory, serviceKey: server.serviceKey, videos, clip, ...setup },
    });
    const statuses = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const victimLoop = async (offset) => {
      for (let i = offset; Date.now() < until; i += 4) {
        const started = performance.now();
        const response = await fetch(`${server.url}/v1/feed/${victims[i % victims.length]}?n=10`, { headers: service });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
      }
    };
    await Promise.all([0, 1, 2, 3].map(victimLoop));
    worker.postMessage('stop');
    const abusive = await statuses;
    await worker.terminate();
    const serverCpu = Number((serverCpuSeconds() - cpuBefore).toFixed(1));
    latencies.sort((a, b) => a - b);
    const at = (q) => Number((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN).toFixed(1));
    console.log(JSON.stringify({ scenario: name, victimFeeds: latencies.length, victimP50Ms: at(0.5), victimP99Ms: at(0.99), victimMaxMs: at(1), serverCpuSeconds: serverCpu, abusive }));
  }

  try {
    await scenario('baseline');
    await scenario('nested 16 MB bodies, user key, 3 at once');
    await scenario('nested 16 MB bodies, service key, 3 at once');
    await scenario('10,000-event batches, user key, 3 connections');
    // A large account to export: 200,000 events relayed by the operator's key.
    let id = 0;
    for (let i = 0; i < 20; i++) {
      const events = Array.from({ length: 10_000 }, () => ({ id: `x${id++}`, user: 'mallory', type: 'play', video: videos[id % videos.length], watchMs: 5_000 }));
      await (await fetch(`${server.url}/v1/events`, { method: 'POST', headers: json(service), body: JSON.stringify({ events }) })).arrayBuffer();
    }
    // The feed workers' replicas apply those 200,000 events after the acknowledgements: let them catch up first.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await scenario('exports of a 200k-event account, user key, 3 at once');
    await scenario('3,000 fake likes of one video, user key');
    await scenario('60 concurrent uploads, user key');
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    if (!process.env.DB) rmSync(dir, { recursive: true, force: true });
  }
}

/** The abusive client of one scenario, on its own thread: runs until the main thread says stop, then reports statuses. */
async function abuser({ name, url, mallory, serviceKey, videos, clip }) {
  const asMallory = { authorization: `Bearer ${mallory}` };
  const service = { authorization: `Bearer ${serviceKey}` };
  const statuses = {};
  const count = (status) => (statuses[status] = (statuses[status] ?? 0) + 1);
  const stop = new AbortController();
  parentPort.once('message', () => stop.abort());
  const post = (path, body, headers) => fetch(`${url}${path}`, { method: 'POST', headers: json(headers), body, signal: stop.signal });
  let eventIds = 0;
  const batch = (user, n) => JSON.stringify({ events: Array.from({ length: n }, () => ({ id: `e${eventIds++}`, user, type: 'play', video: videos[eventIds % videos.length], watchMs: 5_000 })) });

  /** Runs `request` on `connections` loops until stopped, counting statuses. */
  const loops = async (connections, request) => {
    await Promise.all(Array.from({ length: connections }, async () => {
      while (!stop.signal.aborted) {
        try {
          const response = await request();
          await response.arrayBuffer();
          count(response.status);
        } catch (error) {
          if (!stop.signal.aborted) count(`error:${error.cause?.code ?? error.message}`);
        }
      }
    }));
  };

  if (name.startsWith('nested')) {
    const nested = Buffer.from(`{"events":${'['.repeat(8_000_000)}${']'.repeat(8_000_000)}}`);
    await loops(3, () => post('/v1/users/mallory/events', nested, name.includes('service') ? service : asMallory));
  } else if (name.startsWith('10,000-event')) {
    const flood = batch('mallory', 10_000);
    await loops(3, () => post('/v1/users/mallory/events', flood, asMallory));
  } else if (name.startsWith('exports')) {
    await loops(3, () => fetch(`${url}/v1/users/mallory/export`, { headers: asMallory, signal: stop.signal }));
  } else if (name.startsWith('3,000 fake likes')) {
    for (let i = 0; i < 3; i++) {
      const likes = JSON.stringify({ events: Array.from({ length: 1_000 }, (_, j) => ({ id: `like-${i}-${j}`, user: 'mallory', type: 'like', video: videos[0] })) });
      count((await post('/v1/users/mallory/events', likes, asMallory)).status);
    }
    await new Promise((resolve) => stop.signal.addEventListener('abort', resolve));
  } else if (name.startsWith('60 concurrent uploads')) {
    const bytes = readFileSync(clip);
    await loops(60, () => {
      const form = new FormData();
      form.append('caption', 'flood');
      form.append('file', new Blob([bytes], { type: 'video/mp4' }), 'clip.mp4');
      return fetch(`${url}/v1/users/mallory/videos`, { method: 'POST', headers: asMallory, body: form, signal: stop.signal });
    });
  } else {
    await new Promise((resolve) => stop.signal.addEventListener('abort', resolve));
  }
  parentPort.postMessage(statuses);
}
