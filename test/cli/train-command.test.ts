import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { AcceptedEvent, User, Video } from '../../src/core/schemas.js';
import { loadTrainedModel, recommendForHistory } from '../../src/models/trained-model.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const CLI = fileURLToPath(new URL('../../bin/foryou.js', import.meta.url));

async function seedStore(path: string): Promise<void> {
  const store = new SqliteStore(path);
  const t0 = 1_700_000_000_000;
  const videos: Video[] = Array.from({ length: 20 }, (_, v) => ({
    id: `v${v}`, creator: `c${v % 4}`, durationMs: 10_000, caption: '', hashtags: [], language: 'en', region: 'DE', createdAt: t0, status: 'live',
  }));
  await store.putVideos(videos);
  const users: User[] = Array.from({ length: 40 }, (_, u) => ({ id: `u${u}`, region: 'DE', createdAt: t0, interests: [], settings: { personalized: true, minor: false } }));
  await store.putUsers(users);
  const events: AcceptedEvent[] = [];
  let n = 0;
  // Two groups: u0–19 finish v0–9, u20–39 finish v10–19; everyone skips through the other group's videos.
  for (let u = 0; u < 40; u++) {
    const own = u < 20 ? 0 : 10;
    const other = u < 20 ? 10 : 0;
    for (let k = 0; k < 10; k++) {
      if ((u + k) % 4 === 0) continue; // leave gaps to recommend
      events.push({ id: `e${n++}`, user: `u${u}`, video: `v${own + k}`, creator: null, type: 'play', ts: t0 + n, watchMs: 9_500 });
      events.push({ id: `e${n++}`, user: `u${u}`, video: `v${other + k}`, creator: null, type: 'play', ts: t0 + n, watchMs: 500 });
    }
    if (u % 5 === 0) events.push({ id: `e${n++}`, user: `u${u}`, video: `v${own + 1}`, creator: null, type: 'like', ts: t0 + n, watchMs: null });
  }
  await store.appendEvents(events, []);
  await store.close();
}

describe('foryou train', () => {
  it('fits on positive engagement, saves numbered versions, and serving can load them', async () => {
    const db = join(temp.dir, 'train.db');
    await seedStore(db);
    const first = JSON.parse(execFileSync(process.execPath, [CLI, 'train', '--db', db, '--model', 'best', '--json'], { encoding: 'utf8' }));
    expect(first).toMatchObject({ model: 'best', version: 1, users: 40, items: 20 });
    const second = JSON.parse(execFileSync(process.execPath, [CLI, 'train', '--db', db, '--model', 'best', '--json'], { encoding: 'utf8' }));
    expect(second.version).toBe(2);

    const store = new SqliteStore(db);
    const record = await store.latestModelSnapshot('best');
    await store.close();
    const trained = loadTrainedModel(record!);
    expect(trained.version).toBe(2);
    const top = recommendForHistory(trained, ['v0', 'v1', 'v2', 'v3'], 3);
    expect(top).toHaveLength(3);
    for (const { item } of top) expect(Number(item.slice(1))).toBeLessThan(10);
  });
});
