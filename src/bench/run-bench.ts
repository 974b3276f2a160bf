/**
 * The benchmark: builds a simulated world of the requested size, imports it, serves it from a real `foryou serve`
 * process and measures ingestion, feed latency and throughput, freshness and memory over loopback HTTP.
 * Progress goes to stderr; the result is one JSON object.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateEvents } from '../sim/events.js';
import { clientEvent, writeWorldFiles } from '../sim/write-files.js';
import { createWorld } from '../sim/world.js';
import { progressiveValidation, type ProgressiveReport } from '../eval/progressive-validation.js';
import { groundTruthById } from '../sim/ground-truth.js';
import { runGets, runRequests } from './http-load.js';
import { measureRankerThroughput } from './ranker-throughput.js';
import { benchAnn, type AnnBench } from './ann-recall.js';
import { CLI, spawnServe } from './serve-process.js';
import { feedsDuring, postBatches, restartServer, untilCaughtUp, untilReady } from './stall-and-restart.js';
import { elapsedMs, percentile, processMemoryMb, round, sortedCopy } from './measure.js';
import {
  capture,
  httpFeedPages,
  measureServedTrue,
  QUALITY_PAGES,
  QUALITY_PAGE_SIZE,
  qualityBaselines,
  SampledHistories,
  sampleUsers,
  type ServedQuality,
} from './served-quality.js';


/** Events of the burst that feeds are measured during (the restart issue's 100k). */
const BURST_EVENTS = 100_000;

export interface BenchOptions {
  videos: number;
  users: number;
  events: number;
  /** Events sent over HTTP, in batches of `batchSize`. */
  httpEvents: number;
  batchSize: number;
  feedRequests: number;
  freshnessTrials: number;
  /** Users whose first two personalised pages are scored by the simulator's truth (servedQuality). */
  qualityUsers: number;
  /** Worker threads of the server serving feeds (`foryou serve --feed-workers`). */
  feedWorkers: number;
  workDir: string;
  seed: number;
  log: (line: string) => void;
}

export interface BenchResult {
  videos: number;
  users: number;
  events: number;
  ingestEventsPerSec: number;
  ingestBatchP99Ms: number;
  importEventsPerSec: number;
  importSeconds: number;
  startupSeconds: number;
  /** Stop (a snapshot written at close), then start with it present: seconds from the start until `/readyz` is 200. */
  restartSeconds: number;
  /** From SIGTERM to exit, the snapshot written at close included. */
  stopSeconds: number;
  /** Feeds one at a time while the server writes a state snapshot, and how long the snapshot took. */
  feedP99DuringSnapshotMs: number;
  snapshotSeconds: number;
  /** Feeds one at a time while `burstEvents` events arrive in batches of `batchSize`, four at a time. */
  feedP99DuringIngestMs: number;
  burstEvents: number;
  burstEventsPerSec: number;
  burstBatchP99Ms: number;
  /** From the burst's last acknowledgement until every replica had applied it (feeds are measured until then too). */
  burstCatchUpSeconds: number;
  /** The longest event-loop pause of the serving process over the whole run after its start (`/v1/ops/runtime`). */
  maxLoopPauseMs: number;
  /** The longest pause so far after each phase (`fit`: the background fit and its model's swap, …, `burst`). */
  maxLoopPauseAfterMs: Record<string, number>;
  /** The serving process's peak resident memory over the whole run, the snapshot and the burst included. */
  peakRssWithSnapshotMb: number;
  feedP50Ms: number;
  feedP99Ms: number;
  feedPerSec: number;
  feedConcurrency: number;
  feedWorkers: number;
  freshnessMs: number;
  freshnessP50Ms: number;
  rssMb: number;
  peakRssMb: number;
  /** Events learned per second by the online ranker (with features and counters), one core. */
  onlineEventsPerSec: number;
  /** Candidates scored per second by the online ranker (features and all heads), one core. */
  rankerCandidatesPerSec: number;
  /** The embedding source's ANN index: recall@100 against exact search, speed, build time and size. */
  annRecallAt100: AnnBench['annRecallAt100'];
  ann: Omit<AnnBench, 'annRecallAt100'>;
  /** Progressive validation (predict, then learn) of P(like) and P(finish) on the world's event stream. */
  progressive: Pick<ProgressiveReport, 'events' | 'warmupEvents' | 'views' | 'online' | 'frozen' | 'oracle'>;
  /** The served feed's true expected watch ratio against random and best servable videos (served-quality.ts). */
  servedQuality: ServedQuality & { seconds: number };
  /** The batch model the server fitted in the background at start, and how long after the start it was served. */
  batchModel: { name: string; version: number; items: number; fitSeconds: number };
  machine: { cpus: number; memoryGb: number; node: string };
  date: string;
}

/** Polls the public transparency page until it names a batch model (the retrainer's first fit). */
async function waitForBatchModel(url: string, timeoutMs = 3 * 3_600_000): Promise<{ name: string; version: number; items: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = (await (await fetch(`${url}/v1/transparency`)).json()) as { models?: { batch: { name: string; version: number; items: number } | null } };
    if (page.models?.batch) return page.models.batch;
    if (Date.now() > deadline) throw new Error('the server fitted no batch model in time');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  rmSync(options.workDir, { recursive: true, force: true });
  mkdirSync(options.workDir, { recursive: true });
  const dbPath = join(options.workDir, 'bench.db');

  log(`world: ${options.videos} videos, ${options.users} users, ${options.events} events`);
  const world = createWorld({ videos: options.videos, users: options.users, seed: options.seed });
  // The quality sample's histories come from the very events imported, as they are written.
  const qualityUsers = sampleUsers(world.users.length, options.qualityUsers);
  const histories = new SampledHistories(world, qualityUsers);
  const files = await writeWorldFiles(world, join(options.workDir, 'world'), {
    events: options.events,
    format: 'jsonl',
    onEvent: (event) => histories.observe(event),
  });

  const learningEvents = [...generateEvents(world, Math.min(options.events, 500_000))];
  log(`online ranker: learning throughput over ${learningEvents.length} events, scoring throughput`);
  const throughput = measureRankerThroughput(world.videos, world.users, learningEvents, 1_000_000);
  log('ann index: build from the learned retrieval tower, recall@100 against exact search');
  const { annRecallAt100, ...ann } = benchAnn(
    world.videos,
    world.users,
    learningEvents,
    (user, video) => groundTruthById(world, user, video)?.expectedWatchRatio,
  );
  log('online ranker: progressive validation (predict, then learn)');
  const { eventsLearnedPerSec: _, ...progressive } = progressiveValidation(world.videos, world.users, learningEvents, {
    warmupEvents: Math.floor(learningEvents.length * 0.3),
    oracle: (user, video) => groundTruthById(world, user, video),
  });
  learningEvents.length = 0;
  log(`served quality: random and oracle baselines for ${qualityUsers.length} users over the whole catalogue`);
  const baselinesStart = process.hrtime.bigint();
  const baselines = qualityBaselines(world, histories, QUALITY_PAGES * QUALITY_PAGE_SIZE, options.seed);
  const baselinesSeconds = elapsedMs(baselinesStart) / 1000;

  log('import: catalogue and users');
  await runCli(['import', '--db', dbPath, '--videos', files.videos, '--users', files.users]);
  log('import: events');
  const importStart = process.hrtime.bigint();
  await runCli(['import', '--db', dbPath, '--events', files.events]);
  const importSeconds = elapsedMs(importStart) / 1000;

  log('serve: starting (rebuilds the online state from the store)');
  const startupStart = process.hrtime.bigint();
  // The benchmark is one client sending everything through one service key: no rate limit may cut it short.
  const serveArgs = [
    '--db',
    dbPath,
    '--rate-limit',
    'service=1000000000',
    '--feed-workers',
    String(options.feedWorkers),
    // The batch model is fitted once, at start (below); a refit during the measurements would share their cores.
    '--retrain-after-events',
    '0',
    '--retrain-every-min',
    '0',
  ];
  let server = await spawnServe(serveArgs);
  await untilReady(server.url);
  const auth = { authorization: `Bearer ${server.serviceKey}` };
  const startupSeconds = elapsedMs(startupStart) / 1000;
  try {
    // What users get is the feed with the batch model in it: the retrainer fits it in the background right after the
    // start, and everything below waits for it.
    log('batch model: waiting for the first background fit');
    const fitStart = process.hrtime.bigint();
    const batchModel = await waitForBatchModel(server.url);
    // The serving process's longest event-loop pause so far, read after each phase: where the run's longest came.
    const loopPauses: Record<string, number> = {};
    const notePause = async (phase: string) => {
      const runtime = (await (await fetch(`${server.url}/v1/ops/runtime`, { headers: auth })).json()) as { eventLoop: { maxMs: number } };
      loopPauses[phase] = runtime.eventLoop.maxMs;
    };
    await notePause('fit');
    const batchFitSeconds = round(elapsedMs(fitStart) / 1000);
    log(`batch model: ${batchModel.name} v${batchModel.version} over ${batchModel.items} videos, fitted in ${batchFitSeconds} s`);
    const userIds = world.users.map((u) => u.id);

    // Served quality first, on the server as it started: the sampled users' seen sets are then exactly the world's
    // events, the baselines' notion of servable (after the ingest they would hold its events too, and after the
    // latency windows pages nobody recorded). Nothing measured later is disturbed: each sampled user gets 20 more
    // items in their seen set and 20 served rows, stored before each answer returns, so no work runs on into the
    // ingest window; the latency windows draw from all users, these among them, after a 2,000-page warm-up of their
    // own, and a seen set 20 items larger costs them nothing measurable.
    log(`served quality: ${QUALITY_PAGES} personalised pages of ${QUALITY_PAGE_SIZE} for ${qualityUsers.length} users`);
    const servedStart = process.hrtime.bigint();
    const served = await measureServedTrue(world, qualityUsers, httpFeedPages(server.url, server.serviceKey));
    const servedSeconds = elapsedMs(servedStart) / 1000;
    await notePause('quality');
    const servedQuality = {
      servedTrue: round(served.servedTrue, 4),
      randomTrue: round(baselines.randomTrue, 4),
      oracleTrue: round(baselines.oracleTrue, 4),
      capture: round(capture(served.servedTrue, baselines.randomTrue, baselines.oracleTrue), 4),
      users: served.users,
      servedItems: served.items,
      seconds: round(baselinesSeconds + servedSeconds),
    };
    log(
      `served quality: true watch ratio served ${servedQuality.servedTrue}, random ${servedQuality.randomTrue}, ` +
        `oracle ${servedQuality.oracleTrue}, capture ${servedQuality.capture} ` +
        `(baselines ${round(baselinesSeconds)} s, pages ${round(servedSeconds)} s)`,
    );

    log(`ingest: ${options.httpEvents} events over HTTP in batches of ${options.batchSize}`);
    const live = [...generateEvents(world, options.httpEvents, { idPrefix: 'h', seed: options.seed + 1 })].map(clientEvent);
    const now = Date.now();
    for (const event of live) event.ts = now;
    const batches: string[] = [];
    for (let i = 0; i < live.length; i += options.batchSize) {
      batches.push(JSON.stringify({ events: live.slice(i, i + options.batchSize) }));
    }
    const ingest = await runRequests(batches.length, 4, (i) =>
      fetch(`${server.url}/v1/events`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: batches[i] }),
    );
    if (ingest.failures > 0) throw new Error(`${ingest.failures} event batches failed`);
    const ingestEventsPerSec = (ingest.latenciesMs.length * options.batchSize) / ingest.seconds;
    await notePause('ingest');
    // Acknowledged once stored: the latency windows below start once every replica has learned them.
    await untilCaughtUp(server.url, auth);

    log(`feed: ${options.feedRequests} requests one at a time (latency)`);
    let pick = 0;
    const randomUser = () => userIds[(pick = (pick * 1_103_515_245 + 12_345) % 2 ** 31) % userIds.length]!;
    const feedUrl = () => `${server.url}/v1/feed/${encodeURIComponent(randomUser())}?n=10`;
    // runGets rather than fetch: the load generator shares the server's two cores, and fetch costs it ~0.5 ms of
    // CPU a request, node:http ~0.09 ms, runGets' plain sockets ~0.02 ms.
    // Warm-up: 2,000 pages, so that both threads run the feed path compiled and the ingestion's backlog (learning,
    // index refreshes, garbage) is behind them; the figures are a running server's. After 200 pages, the first
    // third of the latency run had p50 4.4 ms and the last 3.5 ms, and a second run 2.8 ms (100k videos).
    await runGets(2000, 16, feedUrl, auth);
    const sequential = await runGets(options.feedRequests, 1, feedUrl, auth);
    if (sequential.failures > 0) throw new Error(`${sequential.failures} feed requests failed`);
    const latencies = sortedCopy(sequential.latenciesMs);

    const concurrency = 16;
    log(`feed: ${options.feedRequests} requests, ${concurrency} at a time (throughput)`);
    const parallel = await runGets(options.feedRequests, concurrency, feedUrl, auth);
    if (parallel.failures > 0) throw new Error(`${parallel.failures} feed requests failed`);

    log(`freshness: ${options.freshnessTrials} follow → next feed trials`);
    const freshness = sortedCopy(
      await measureFreshness(server.url, server.serviceKey, world.users.map((u) => u.id), creatorsWithVideos(world), options.freshnessTrials),
    );

    await notePause('latency');
    const memory = processMemoryMb(server.child.pid!);

    log('snapshot: feeds one at a time while the server writes a snapshot of its state');
    const duringSnapshot = await feedsDuring(feedUrl, auth, async () => {
      const response = await fetch(`${server.url}/v1/ops/snapshot`, { method: 'POST', headers: auth });
      if (!response.ok) throw new Error(`snapshot failed: ${await response.text()}`);
      return (await response.json()) as { ms: number; bytes: number };
    });
    log(`snapshot: ${round(duringSnapshot.result.bytes / 2 ** 20)} MiB in ${duringSnapshot.result.ms} ms; feed p99 meanwhile ${duringSnapshot.feedP99Ms} ms`);
    await notePause('snapshot');

    log(`ingest burst: feeds one at a time while ${BURST_EVENTS} events arrive in batches of ${options.batchSize}`);
    const burst = [...generateEvents(world, BURST_EVENTS, { idPrefix: 'b', seed: options.seed + 2 })].map(clientEvent);
    const burstNow = Date.now();
    for (const event of burst) event.ts = burstNow;
    const burstBatches: string[] = [];
    for (let i = 0; i < burst.length; i += options.batchSize) burstBatches.push(JSON.stringify({ events: burst.slice(i, i + options.batchSize) }));
    // Feeds are measured until every replica has learned the burst, not only until it is acknowledged.
    const duringIngest = await feedsDuring(feedUrl, auth, async () => {
      const sent = await postBatches(server.url, auth, burstBatches);
      const catchUpMs = await untilCaughtUp(server.url, auth);
      return { sent, catchUpMs };
    });
    const burstSent = duringIngest.result.sent;
    log(
      `ingest burst: ${Math.round(burst.length / burstSent.seconds)} events/s acknowledged, learned by every replica ` +
        `${round(duringIngest.result.catchUpMs / 1000)} s after the last; feed p99 meanwhile ${duringIngest.feedP99Ms} ms`,
    );

    const runtime = (await (await fetch(`${server.url}/v1/ops/runtime`, { headers: auth })).json()) as { eventLoop: { maxMs: number } };
    const memoryAfter = processMemoryMb(server.child.pid!);

    log('restart: stop (a snapshot is written at close), start, until /readyz answers 200');
    const restart = await restartServer(server, serveArgs, {});
    server = restart.server;
    log(`restart: stopped in ${restart.stopSeconds} s, ready again in ${restart.restartSeconds} s`);
    return {
      videos: options.videos,
      users: options.users,
      events: options.events,
      ingestEventsPerSec: Math.round(ingestEventsPerSec),
      ingestBatchP99Ms: round(percentile(sortedCopy(ingest.latenciesMs), 99)),
      importEventsPerSec: Math.round(files.counts.events / importSeconds),
      importSeconds: round(importSeconds),
      startupSeconds: round(startupSeconds),
      restartSeconds: restart.restartSeconds,
      stopSeconds: restart.stopSeconds,
      feedP99DuringSnapshotMs: duringSnapshot.feedP99Ms,
      snapshotSeconds: round(duringSnapshot.result.ms / 1000),
      feedP99DuringIngestMs: duringIngest.feedP99Ms,
      burstEvents: burst.length,
      burstEventsPerSec: Math.round(burst.length / burstSent.seconds),
      burstBatchP99Ms: round(percentile(sortedCopy(burstSent.latenciesMs), 99)),
      burstCatchUpSeconds: round(duringIngest.result.catchUpMs / 1000),
      maxLoopPauseMs: runtime.eventLoop.maxMs,
      maxLoopPauseAfterMs: { ...loopPauses, burst: runtime.eventLoop.maxMs },
      peakRssWithSnapshotMb: memoryAfter.peakRssMb,
      feedP50Ms: round(percentile(latencies, 50)),
      feedP99Ms: round(percentile(latencies, 99)),
      feedPerSec: Math.round(parallel.latenciesMs.length / parallel.seconds),
      feedConcurrency: concurrency,
      feedWorkers: options.feedWorkers,
      freshnessMs: round(percentile(freshness, 99)),
      freshnessP50Ms: round(percentile(freshness, 50)),
      rssMb: memory.rssMb,
      peakRssMb: memory.peakRssMb,
      ...throughput,
      annRecallAt100,
      ann,
      progressive,
      servedQuality,
      batchModel: { ...batchModel, fitSeconds: batchFitSeconds },
      machine: { cpus: cpus().length, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version },
      date: new Date().toISOString(),
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

function creatorsWithVideos(world: ReturnType<typeof createWorld>): string[] {
  return [...new Set(world.videos.filter((v) => v.status === 'live').map((v) => v.creator))];
}

/**
 * Freshness: a user follows a creator; the time from the event's acknowledgement until a feed answer shows a video
 * of that creator from the `following` source.
 */
async function measureFreshness(url: string, key: string, users: string[], creators: string[], trials: number): Promise<number[]> {
  const auth = { authorization: `Bearer ${key}` };
  const results: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const user = `fresh-${trial}-${users[trial % users.length]}`;
    const creator = creators[(trial * 7919) % creators.length]!;
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ id: `fresh-${trial}`, user, creator, type: 'follow' }] }),
    });
    if (!response.ok) throw new Error(`follow failed: ${await response.text()}`);
    await response.arrayBuffer();
    const acknowledged = process.hrtime.bigint();
    for (let attempt = 0; attempt < 1000; attempt++) {
      const page = (await (await fetch(`${url}/v1/feed/${encodeURIComponent(user)}?n=10`, { headers: auth })).json()) as {
        items: Array<{ video: { creator: string }; sources: string[] }>;
      };
      if (page.items.some((item) => item.video.creator === creator && item.sources.includes('following'))) {
        results.push(elapsedMs(acknowledged));
        break;
      }
    }
  }
  return results;
}

async function runCli(args: string[]): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`foryou ${args[0]} exited with ${code}`);
}

export function writeResult(result: BenchResult, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${result.videos}v-${result.users}u-${result.events}e.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}
