import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngagementLedger } from '../../src/features/engagement-ledger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchWithKey, postJson, putVideos, startServer } from '../helpers/running-server.js';
import { spawnServer } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

function batch(prefix: string, size: number, videoCount: number) {
  return {
    events: Array.from({ length: size }, (_, i) => ({
      id: `${prefix}-${i}`,
      user: `u${i % 50}`,
      video: `v${i % videoCount}`,
      type: i % 4 === 0 ? 'like' : 'play',
      watchMs: i % 4 === 0 ? undefined : 3000 + i,
    })),
  };
}

describe('idempotency', () => {
  it('counts a re-sent event once, also after a restart', async () => {
    const dbPath = join(temp.dir, 'idempotent.db');
    let server = await startServer(dbPath);
    await putVideos(server.url, 2);
    const events = {
      events: [
        { id: 'p1', user: 'alice', video: 'v0', type: 'play', watchMs: 7000 },
        { id: 'l1', user: 'alice', video: 'v0', type: 'like' },
      ],
    };
    const first = await (await postJson(`${server.url}/v1/events`, events)).json();
    expect(first).toEqual({ accepted: 2, duplicates: 0 });
    const again = await (await postJson(`${server.url}/v1/events`, events)).json();
    expect(again).toEqual({ accepted: 0, duplicates: 2 });
    // A batch that repeats an id inside itself, mixed with a new event
    const mixed = await (
      await postJson(`${server.url}/v1/events`, {
        events: [events.events[0], { id: 'p2', user: 'bob', video: 'v0', type: 'play', watchMs: 1000 }, { id: 'p2', user: 'bob', video: 'v0', type: 'play', watchMs: 1000 }],
      })
    ).json();
    expect(mixed).toEqual({ accepted: 1, duplicates: 2 });
    const stats = async () => (await (await fetchWithKey(`${server.url}/v1/videos/v0`)).json()).stats;
    expect(await stats()).toMatchObject({ plays: 2, likes: 1 });
    await server.stop();
    server = await startServer(dbPath);
    expect(await stats()).toMatchObject({ plays: 2, likes: 1 });
    expect((await server.service.store.counts()).events).toBe(3);
    await server.stop();
  });
});

describe('durability', () => {
  it('keeps every acknowledged event when the server is killed with SIGKILL right after acknowledging', async () => {
    const dbPath = join(temp.dir, 'killed.db');
    const first = await spawnServer(['--db', dbPath]);
    await putVideos(first.url, 20);
    // Several batches in flight; kill the process the moment the last acknowledgement arrives.
    const acknowledged: string[] = [];
    const sends = Array.from({ length: 6 }, async (_, b) => {
      const body = batch(`b${b}`, 1000, 20);
      const response = await postJson(`${first.url}/v1/events`, body);
      if (response.status === 200) acknowledged.push(...body.events.map((e) => e.id));
    });
    await Promise.all(sends);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(acknowledged.length).toBe(6000);

    const store = new SqliteStore(dbPath);
    const stored = new Set<string>();
    // What v1's counters must read after the restart: its plays and likes that move shared statistics, by the same
    // rule (one of each kind per user and video, features/engagement-ledger.ts), over the log as stored.
    const ledgers = new Map<string, EngagementLedger>();
    let v1Counted = 0;
    for await (const events of store.scanEvents()) {
      for (const e of events) {
        stored.add(e.id);
        const ledger = ledgers.get(e.user) ?? new EngagementLedger();
        ledgers.set(e.user, ledger);
        if (ledger.counts(Number(e.video!.slice(1)), e.type) && e.video === 'v1') v1Counted++;
      }
    }
    await store.close();
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

    const second = await spawnServer(['--db', dbPath]);
    const stats = await (await fetchWithKey(`${second.url}/v1/videos/v1`)).json();
    expect(v1Counted).toBeGreaterThan(0);
    expect(stats.stats.plays + stats.stats.likes).toBe(v1Counted);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('loses nothing acknowledged when killed while batches are still arriving', async () => {
    const dbPath = join(temp.dir, 'killed-midway.db');
    const server = await spawnServer(['--db', dbPath]);
    await putVideos(server.url, 5);
    const acknowledged: string[] = [];
    let killed = false;
    const sends = Array.from({ length: 20 }, async (_, b) => {
      const body = batch(`m${b}`, 500, 5);
      try {
        const response = await postJson(`${server.url}/v1/events`, body);
        if (response.status === 200) {
          acknowledged.push(...body.events.map((e) => e.id));
          if (!killed && acknowledged.length >= 2500) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        }
      } catch {
        // connection reset by the kill: not acknowledged, so not owed
      }
    });
    await Promise.all(sends);
    await server.exited;
    const store = new SqliteStore(dbPath);
    const stored = new Set<string>();
    // What v1's counters must read after the restart: its plays and likes that move shared statistics, by the same
    // rule (one of each kind per user and video, features/engagement-ledger.ts), over the log as stored.
    const ledgers = new Map<string, EngagementLedger>();
    let v1Counted = 0;
    for await (const events of store.scanEvents()) {
      for (const e of events) {
        stored.add(e.id);
        const ledger = ledgers.get(e.user) ?? new EngagementLedger();
        ledgers.set(e.user, ledger);
        if (ledger.counts(Number(e.video!.slice(1)), e.type) && e.video === 'v1') v1Counted++;
      }
    }
    await store.close();
    expect(acknowledged.length).toBeGreaterThanOrEqual(2500);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // Atomic batches: every batch is either wholly stored or not at all
    const perBatch = new Map<string, number>();
    for (const id of stored) perBatch.set(id.split('-')[0]!, (perBatch.get(id.split('-')[0]!) ?? 0) + 1);
    for (const count of perBatch.values()) expect(count).toBe(500);
  });
});
