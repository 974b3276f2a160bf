import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSnapshot } from '../../src/models/snapshot.js';
import { ForyouService } from '../../src/service/foryou-service.js';
import { createWorld, loadWorldIntoStore } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const CLI = fileURLToPath(new URL('../../bin/foryou.js', import.meta.url));

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb || 1);
}

function correlation(xs: number[], ys: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('warm start from the batch model', () => {
  it('begins the online ranker with video vectors that keep the batch model’s item similarities', async () => {
    const trained = join(temp.dir, 'trained.db');
    const world = createWorld({ users: 400, videos: 800, seed: 9 });
    let store = new SqliteStore(trained);
    await loadWorldIntoStore(store, world, 40_000);
    await store.close();
    execFileSync(process.execPath, [CLI, 'train', '--db', trained, '--model', 'ials'], { stdio: 'pipe' });

    // A store that has the catalogue and the batch model, but no events: the ranker can only know what it was given.
    const fresh = join(temp.dir, 'fresh.db');
    store = new SqliteStore(fresh);
    await store.putVideos(world.videos);
    await store.putUsers(world.users);
    const source = new SqliteStore(trained);
    const record = (await source.latestModelSnapshot('ials'))!;
    await source.close();
    await store.saveModelSnapshot('ials', record.bytes, record.meta);
    await store.close();

    const service = await ForyouService.open(fresh);
    const ranker = service.state.learner!.ranker;
    const itemIds = record.meta.itemIds as string[];
    // The saved artifact's one part is the fitted model (batch-artifact.ts).
    const factors = decodeSnapshot(record.bytes).parts![0]!.arrays.itemFactors as Float32Array;
    const width = factors.length / itemIds.length;
    expect(ranker.tables.videos.size).toBe(itemIds.length);
    expect(ranker.updates).toBe(0);

    const vectorOf = (id: string) => {
      const offset = ranker.tables.videos.offset(ranker.tables.videos.slotOf(id));
      return ranker.tables.videos.vectors.slice(offset, offset + ranker.dim);
    };
    const batch: number[] = [];
    const online: number[] = [];
    for (let pair = 0; pair < 400; pair++) {
      const i = (pair * 7919) % itemIds.length;
      const j = (pair * 104_729 + 13) % itemIds.length;
      if (i === j) continue;
      batch.push(cosine(factors.subarray(i * width, (i + 1) * width), factors.subarray(j * width, (j + 1) * width)));
      online.push(cosine(vectorOf(itemIds[i]!), vectorOf(itemIds[j]!)));
    }
    expect(correlation(batch, online)).toBeGreaterThan(0.5);
    await service.close();
  });
});
