import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngagementLedger } from '../../src/features/engagement-ledger.js';
import { locateFfmpeg } from '../../src/media/ffmpeg.js';
import { makeClip } from '../../src/media/synthetic-clip.js';
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

/**
 * The event ids stored in `dbPath`, and what v1's counters must read after a restart: its plays and likes that move
 * shared statistics, by the same rule (one of each kind per user and video, features/engagement-ledger.ts), over the
 * log as stored.
 */
async function storedLog(dbPath: string): Promise<{ stored: Set<string>; v1Counted: number }> {
  const store = new SqliteStore(dbPath);
  const stored = new Set<string>();
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
  return { stored, v1Counted };
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

    const { stored, v1Counted } = await storedLog(dbPath);
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
    const { stored } = await storedLog(dbPath);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2500);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    // Atomic batches: every batch is either wholly stored or not at all
    const perBatch = new Map<string, number>();
    for (const id of stored) perBatch.set(id.split('-')[0]!, (perBatch.get(id.split('-')[0]!) ?? 0) + 1);
    for (const count of perBatch.values()) expect(count).toBe(500);
  });

  it('keeps every acknowledged upload, and no file of one never acknowledged, when killed while uploads arrive', async () => {
    const dataDir = join(temp.dir, 'uploads-killed');
    mkdirSync(dataDir);
    const dbPath = join(dataDir, 'foryou.db');
    const clipPath = join(temp.dir, 'crash-clip.mp4');
    await makeClip(await locateFfmpeg(), clipPath, { pattern: 'smptebars', seconds: 1 });
    const clip = readFileSync(clipPath);
    const server = await spawnServer(['--db', dbPath]);
    await putVideos(server.url, 5);
    // A random moment: after 2–6 of 16 concurrent uploads are acknowledged, the others being streamed in, probed,
    // thumbnailed or published, while event batches arrive too.
    const killAfter = 2 + Math.floor(Math.random() * 5);
    const acknowledged: Array<{ id: string; thumbnailUrl?: string }> = [];
    let killed = false;
    const kill = () => {
      if (!killed) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    };
    const uploads = Array.from({ length: 16 }, async (_, i) => {
      const form = new FormData();
      form.append('caption', `crash upload ${i}`);
      form.append('file', new Blob([new Uint8Array(clip)], { type: 'video/mp4' }), 'clip.mp4');
      try {
        const response = await fetchWithKey(`${server.url}/v1/users/creator${i}/videos`, { method: 'POST', body: form });
        if (response.status === 201) {
          acknowledged.push(await response.json());
          if (acknowledged.length >= killAfter) kill();
        }
      } catch {
        // reset by the kill: not acknowledged, so not owed
      }
    });
    const events = Array.from({ length: 8 }, async (_, b) => {
      try {
        await postJson(`${server.url}/v1/events`, batch(`k${b}`, 200, 5));
      } catch {
        // reset by the kill
      }
    });
    await Promise.all([...uploads, ...events]);
    kill();
    await server.exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

    const second = await spawnServer(['--db', dbPath]);
    try {
      for (const upload of acknowledged) {
        const video = await (await fetchWithKey(`${second.url}/v1/videos/${upload.id}`)).json();
        expect(video).toMatchObject({ id: upload.id, status: 'live' });
        const file = await fetch(`${second.url}/media/uploads/${upload.id}.mp4`);
        expect(file.status).toBe(200);
        expect(Buffer.from(await file.arrayBuffer()).equals(clip)).toBe(true);
        if (upload.thumbnailUrl) expect((await fetch(`${second.url}${upload.thumbnailUrl}`)).status).toBe(200);
      }
      // On disk: no temporary, and every upload file belongs to a stored video (a crash before the video was stored
      // leaves files that the restart deletes), whose video file is there.
      const media = join(dataDir, 'media');
      expect(readdirSync(media).filter((name) => name.startsWith('.'))).toEqual([]);
      const stems = new Set(readdirSync(join(media, 'uploads')).map((name) => name.slice(0, name.lastIndexOf('.'))));
      for (const stem of stems) {
        const response = await fetchWithKey(`${second.url}/v1/videos/${stem}`);
        expect(response.status).toBe(200);
        expect(existsSync(join(media, 'uploads', `${stem}.mp4`))).toBe(true);
      }
      for (const upload of acknowledged) expect(stems.has(upload.id)).toBe(true);
      // And the other way: every upload stored (acknowledged or not) has its file.
      for (let i = 0; i < 16; i++) {
        const { videos } = await (await fetchWithKey(`${second.url}/v1/creators/creator${i}/videos`)).json();
        for (const video of videos as Array<{ id: string }>) expect(stems.has(video.id)).toBe(true);
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);
});
