/**
 * `foryou eval --model engine`: the served feed measured as a user gets it. TRAIN goes into a fresh store through
 * `foryou import` (each row a `play` watched to the end, plus a `like` where a rating ≥ 4 is given; timestamps kept
 * where present), the batch model is fitted as the serving retrainer fits it, `foryou serve`'s service opens the
 * store, and every scored test user asks `GET /v1/feed/:user?n=k&mode=personalized` once, over the real HTTP routes
 * (injected, with a service key). The page's items are the ranked list the metrics score.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../api/server.js';
import { ApiKeys } from '../auth/api-keys.js';
import { importFiles } from '../import/import-files.js';
import { trainBatchModel } from '../models/batch-training.js';
import type { ModelName } from '../models/registry.js';
import { AuditLog } from '../service/audit-log.js';
import { auditBatchModel } from '../service/batch-model-audit.js';
import { ForyouService } from '../service/foryou-service.js';
import { openStore } from '../store/open-store.js';
import type { EvalDataset } from './dataset.js';
import type { EvalResult } from './evaluate.js';
import type { InteractionRows } from './interaction-csv.js';
import { MetricAccumulator, type Relevant } from './metrics.js';

/** Every imported video's length: rows carry no duration, and a play of the whole length is "watched to the end". */
const DURATION_MS = 60_000;
/** A rating at or above this is also a like (the contract's rule). */
const LIKE_RATING = 4;
/** Timestamps below this are seconds since the epoch (MovieLens), not milliseconds. */
const SECONDS_BELOW = 1e11;

export interface EngineEvalOptions {
  /** The batch model the retrainer fits (the serving default: `best`). */
  batchModel?: ModelName;
  threads?: number;
  log?: (line: string) => void;
  /** Keep the store here instead of a temporary directory that is removed afterwards. */
  dir?: string;
  /** Told as each stage begins: `import`, `fit`, `pages`. */
  onStage?: (stage: 'import' | 'fit' | 'pages') => void;
}

export async function evaluateEngine(rows: InteractionRows, dataset: EvalDataset, k: number, options: EngineEvalOptions = {}): Promise<EvalResult> {
  const log = options.log ?? (() => undefined);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'foryou-engine-'));
  mkdirSync(dir, { recursive: true });
  try {
    const db = join(dir, 'engine.db');
    const fitStart = performance.now();
    const now = Date.now();
    options.onStage?.('import');
    const files = writeImportFiles(rows, dir, now);
    const store = openStore(db);
    try {
      const results = await importFiles(store, files);
      const rejected = results.reduce((sum, r) => sum + r.rejected, 0);
      if (rejected > 0) throw new Error(`engine: the import refused ${rejected} records`);
      log(`engine: imported ${results.map((r) => `${r.accepted} ${r.kind}`).join(', ')}`);
      options.onStage?.('fit');
      const trained = await trainBatchModel(store, options.batchModel ?? 'best', { threads: options.threads, log });
      await auditBatchModel(new AuditLog(store), trained, 'foryou eval --model engine');
    } finally {
      await store.close();
    }
    const serviceKey = randomBytes(24).toString('hex');
    const service = await ForyouService.open(db, { feedWorkers: 0, mediaDir: null });
    const trainSeconds = (performance.now() - fitStart) / 1000;
    try {
      const app = await buildServer(service, {
        keys: new ApiKeys(service.store, { staticKeys: { service: serviceKey } }),
        rateLimits: { service: 1_000_000_000 },
      });
      options.onStage?.('pages');
      const evalStart = performance.now();
      const metrics = await scorePages(app, dataset, k, serviceKey);
      const evalSeconds = (performance.now() - evalStart) / 1000;
      await app.close();
      return { model: 'engine', k, users: metrics.users, metrics: metrics.values, trainSeconds, evalSeconds };
    } finally {
      await service.close();
    }
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** The data set as `foryou import` files: one live video per item, and the events of every row. */
function writeImportFiles(rows: InteractionRows, dir: string, now: number): { videos: string; events: string } {
  const n = rows.users.length;
  const times = new Float64Array(n);
  let latest = -Infinity;
  for (let r = 0; r < n; r++) {
    const raw = rows.timestamp?.[r];
    // Without a timestamp, rows keep their file order, ending now.
    times[r] = raw === undefined || Number.isNaN(raw) ? now - (n - r) : raw < SECONDS_BELOW ? raw * 1000 : raw;
    if (times[r]! > latest) latest = times[r]!;
  }
  // The log is moved in time as a whole to end now, as if the service had been running while it was written: gaps
  // and order are kept, and a log older than the store accepts (MovieLens-100K is from 1997) is valid.
  const shift = now - latest;
  for (let r = 0; r < n; r++) times[r] = times[r]! + shift;
  const firstSeen = new Map<string, number>();
  for (let r = 0; r < n; r++) {
    const item = rows.items[r]!;
    const seen = firstSeen.get(item);
    if (seen === undefined || times[r]! < seen) firstSeen.set(item, times[r]!);
  }
  const videos: string[] = [];
  for (const [item, createdAt] of firstSeen) {
    videos.push(JSON.stringify({ id: item, creator: `creator-of-${item}`, durationMs: DURATION_MS, createdAt: Math.floor(createdAt), status: 'live' }));
  }
  const events: string[] = [];
  for (let r = 0; r < n; r++) {
    const base = { user: rows.users[r], video: rows.items[r], ts: Math.floor(times[r]!) };
    events.push(JSON.stringify({ id: `row-${r}`, ...base, type: 'play', watchMs: DURATION_MS }));
    const rating = rows.rating?.[r];
    if (rating !== undefined && rating >= LIKE_RATING) events.push(JSON.stringify({ id: `row-${r}-like`, ...base, type: 'like' }));
  }
  const files = { videos: join(dir, 'videos.jsonl'), events: join(dir, 'events.jsonl') };
  writeFileSync(files.videos, videos.join('\n') + '\n');
  writeFileSync(files.events, events.join('\n') + '\n');
  return files;
}

async function scorePages(
  app: Awaited<ReturnType<typeof buildServer>>,
  dataset: EvalDataset,
  k: number,
  key: string,
): Promise<{ values: EvalResult['metrics']; users: number }> {
  const { train, testUsers, testPtr, testItems, relevantCounts, userIds, itemIds } = dataset;
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const marked = new Uint8Array(train.numItems);
  const recommended = new Set<number>();
  const accumulator = new MetricAccumulator();
  const relevant = { has: (item: number) => marked[item] === 1, size: 0 } satisfies Relevant;
  for (let t = 0; t < testUsers.length; t++) {
    const user = userIds[testUsers[t]!]!;
    const response = await app.inject({
      method: 'GET',
      url: `/v1/feed/${encodeURIComponent(user)}?n=${k}&mode=personalized`,
      headers: { authorization: `Bearer ${key}` },
    });
    if (response.statusCode !== 200) throw new Error(`engine: GET /v1/feed/${user} answered ${response.statusCode}: ${response.body}`);
    const page = response.json() as { items: Array<{ video: { id: string } }> };
    const ranked = page.items.map((item) => itemIndex.get(item.video.id) ?? -1);
    for (let p = testPtr[t]!; p < testPtr[t + 1]!; p++) marked[testItems[p]!] = 1;
    relevant.size = relevantCounts[t]!;
    accumulator.add(ranked, relevant, k);
    for (let p = testPtr[t]!; p < testPtr[t + 1]!; p++) marked[testItems[p]!] = 0;
    for (const item of ranked) if (item >= 0) recommended.add(item);
  }
  const coverage = train.numItems > 0 ? recommended.size / train.numItems : 0;
  return { values: { ...accumulator.means(), coverage }, users: accumulator.users };
}
