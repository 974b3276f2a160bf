// Served quality from a store, the way the bench measures it but without the load windows: builds (once) a simulated
// world's store through `foryou import`, optionally fits the batch model as the serving retrainer would, opens the
// service on a copy of the store and asks each sampled user's first two personalised pages; prints the simulator's
// servedQuality {servedTrue, randomTrue, oracleTrue, capture} with the time of the fit and of a page.
//   npm run build && node bench/scripts/served-quality-store.mjs [videos] [users] [events] [sampledUsers]
// TRAIN=auto|best|ials|none (default auto) picks the fit; ALG='{"sourceBoosts":{…}}' overrides algorithm sections;
// DIR=… keeps the world's store there (default /tmp/foryou-sq-<videos>); SEED=7 as the bench.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
const dist = new URL('../../dist/', import.meta.url).href;
const { createWorld } = await import(dist + 'sim/world.js');
const { writeWorldFiles } = await import(dist + 'sim/write-files.js');
const q = await import(dist + 'bench/served-quality.js');
const { ForyouService } = await import(dist + 'service/foryou-service.js');
const { DEFAULT_ALGORITHM } = await import(dist + 'core/algorithm.js');
const { trainBatchModel } = await import(dist + 'models/batch-training.js');
const { DEFAULT_RETRAIN } = await import(dist + 'service/batch-retrainer.js');
const { openStore } = await import(dist + 'store/open-store.js');

const [videos = 100_000, users = 10_000, events = 1_000_000, sampled = 500] = process.argv.slice(2).map(Number);
const seed = Number(process.env.SEED ?? 7);
const train = process.env.TRAIN ?? 'auto';
if (process.env.ALG) {
  for (const [key, value] of Object.entries(JSON.parse(process.env.ALG))) {
    DEFAULT_ALGORITHM[key] = typeof value === 'object' ? { ...DEFAULT_ALGORITHM[key], ...value } : value;
  }
}
const dir = process.env.DIR ?? `/tmp/foryou-sq-${videos}`;
const cli = new URL('../../bin/foryou.js', import.meta.url).pathname;
const world = createWorld({ videos, users, seed });
const sampledUsers = q.sampleUsers(world.users.length, sampled);
const histories = new q.SampledHistories(world, sampledUsers);
const base = join(dir, 'world.db');
const filesDir = join(dir, 'world');
// The histories come from the events as written; writing the files again is cheap next to the import.
const files = await writeWorldFiles(world, filesDir, { events, format: 'jsonl', onEvent: (e) => histories.observe(e) });
if (!existsSync(base)) {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [cli, 'import', '--db', base, '--videos', files.videos, '--users', files.users, '--events', files.events], { stdio: 'inherit' });
}
const baselines = q.qualityBaselines(world, histories, 20, seed);
// A fitted store is kept too (world-<TRAIN>.db), so configurations can be compared on one fit.
const fitted = train === 'none' ? base : join(dir, `world-${train}.db`);
let fitSeconds = 0;
let model = train === 'none' ? null : 'kept fit';
if (!existsSync(fitted)) {
  copyFileSync(base, fitted);
  const store = openStore(fitted);
  const started = performance.now();
  const result = await trainBatchModel(store, train, { maxItems: DEFAULT_RETRAIN.maxItems, threads: 1 });
  fitSeconds = (performance.now() - started) / 1000;
  model = `${result.model} (${result.items} items)`;
  await store.close();
}
const db = join(dir, `run-${process.pid}.db`);
copyFileSync(fitted, db);
const service = await ForyouService.open(db, { feedWorkers: 0, mediaDir: null });
const times = [];
const served = await q.measureServedTrue(world, sampledUsers, async (user, cursor) => {
  const started = performance.now();
  const page = JSON.parse(await service.feedPage(user, { n: 10, mode: 'personalized', cursor }, world.now));
  times.push(performance.now() - started);
  return page;
}, { concurrency: 1 });
await service.close();
for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
times.sort((a, b) => a - b);
const r = (x, d = 4) => Number(x.toFixed(d));
console.log(JSON.stringify({
  model, fitSeconds: r(fitSeconds, 1),
  servedTrue: r(served.servedTrue), randomTrue: r(baselines.randomTrue), oracleTrue: r(baselines.oracleTrue),
  capture: r((served.servedTrue - baselines.randomTrue) / (baselines.oracleTrue - baselines.randomTrue)),
  pageMsMean: r(times.reduce((a, b) => a + b, 0) / times.length, 2), pageMsP99: r(times[Math.floor(times.length * 0.99)], 2),
}));
