import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../src/bench/serve-process.js';
import { locateFfmpeg } from '../../src/media/ffmpeg.js';
import { makeClip } from '../../src/media/synthetic-clip.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchWithKey, postJson, putJson, putVideos } from '../helpers/running-server.js';
import { spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

/** Distinctive enough that any occurrence of these bytes in a file is the user's. */
const ERASED = 'zq-erasure-7f3a9c';

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}

/** Every file under the data dir (db, -wal, -shm, media/…), as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** Files under the data dir holding the id's bytes, in their content or their name. */
function filesContaining(dir: string, id: string): string[] {
  const needle = Buffer.from(id, 'utf8');
  return filesUnder(dir).filter((name) => name.includes(id) || readFileSync(join(dir, name)).includes(needle));
}

describe('erasure', () => {
  it('leaves nothing of the user in any store file or answer after erasure and a restart', async () => {
    const dataDir = join(temp.dir, 'data');
    const db = join(dataDir, 'foryou.db');
    let server = await spawnServer(['--db', db]);
    await putVideos(server.url, 20);
    expect((await putJson(`${server.url}/v1/users/${ERASED}`, { region: 'DE', interests: ['tag3'] })).status).toBe(201);
    for (const clip of ['clip1', 'clip2']) {
      const put = await putJson(`${server.url}/v1/videos/${ERASED}-${clip}`, {
        creator: ERASED,
        durationMs: 12_000,
        caption: `uploaded by ${ERASED}`,
        hashtags: ['tag3'],
        region: 'DE',
      });
      expect(put.status).toBe(201);
    }
    // And a real upload: a video file (and its thumbnail) under the data dir.
    const clip = join(temp.dir, 'clip.mp4');
    await makeClip(await locateFfmpeg(), clip, { pattern: 'smptebars', seconds: 1 });
    const form = new FormData();
    form.append('caption', `uploaded by ${ERASED}`);
    form.append('file', new Blob([readFileSync(clip)], { type: 'video/mp4' }), `${ERASED}.mp4`);
    const uploaded = await fetchWithKey(`${server.url}/v1/users/${ERASED}/videos`, { method: 'POST', body: form });
    expect(uploaded.status).toBe(201);
    const upload = (await uploaded.json()) as { id: string; thumbnailUrl?: string };
    // The thumbnail exists where the machine has a maintained ffmpeg (the system's).
    const uploadFiles = [`media/uploads/${upload.id}.mp4`, ...(upload.thumbnailUrl ? [`media/uploads/${upload.id}.jpg`] : [])];
    expect(filesUnder(dataDir)).toEqual(expect.arrayContaining(uploadFiles));
    const events = [
      ...Array.from({ length: 8 }, (_, i) => ({ id: `${ERASED}-p${i}`, user: ERASED, video: `v${i}`, type: 'play', watchMs: 15_000 })),
      { id: `${ERASED}-l0`, user: ERASED, video: 'v0', type: 'like' },
      { id: `${ERASED}-f`, user: ERASED, creator: 'c1', type: 'follow' },
      { id: 'bob-f', user: 'bob', creator: ERASED, type: 'follow' },
      ...['bob', 'carol', 'dan'].flatMap((user) => [
        { id: `${user}-c1`, user, video: `${ERASED}-clip1`, type: 'play', watchMs: 11_000 },
        { id: `${user}-c2`, user, video: `${ERASED}-clip2`, type: 'like' },
        ...Array.from({ length: 4 }, (_, i) => ({ id: `${user}-p${i}`, user, video: `v${i + 2}`, type: 'play', watchMs: 9_000 })),
      ]),
    ];
    const accepted = await postJson(`${server.url}/v1/events`, { events });
    expect(accepted.status).toBe(200);
    for (const user of [ERASED, ERASED, 'bob']) expect((await fetchWithKey(`${server.url}/v1/feed/${user}?n=5`)).status).toBe(200);
    await stop(server); // saves a state snapshot holding the user
    expect(filesContaining(dataDir, ERASED).some((name) => name.startsWith('foryou.db.snapshots/'))).toBe(true);

    // A batch model trained on the log: its snapshot holds every user's factors and the uploads' ids.
    execFileSync(process.execPath, [CLI, 'train', '--db', db, '--model', 'ials', '--json'], { stdio: 'pipe' });
    // The scan finds the user while they are there: a clean scan later means erased, not unsearchable.
    expect(filesContaining(dataDir, ERASED)).toContain('foryou.db');

    server = await spawnServer(['--db', db]);
    const exported = await (await fetchWithKey(`${server.url}/v1/users/${ERASED}/export`)).json();
    expect(exported.events).toHaveLength(10);
    expect(exported.videos).toHaveLength(3);
    expect(exported.model.userVector.hasVector).toBe(true);
    const erased = await fetchWithKey(`${server.url}/v1/users/${ERASED}`, { method: 'DELETE' });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ users: 1, videos: 3, events: 10 + 1 + 6, batchSnapshots: 1, mediaFiles: 2 });
    expect(filesUnder(dataDir).filter((name) => name.includes(upload.id))).toEqual([]);
    expect((await fetchWithKey(`${server.url}/v1/users/${ERASED}`)).status).toBe(404);
    // While the server still runs: the write-ahead log and shared-memory files are there too.
    expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['foryou.db', 'foryou.db-wal', 'foryou.db-shm']));
    expect(filesContaining(dataDir, ERASED)).toEqual([]);
    // One state snapshot, taken after the erasure: every older one held the user.
    expect(readdirSync(`${db}.snapshots`).filter((name) => name.startsWith('state-'))).toHaveLength(1);
    await stop(server);

    server = await spawnServer(['--db', db]);
    expect((await fetchWithKey(`${server.url}/v1/users/${ERASED}/export`)).status).toBe(404);
    expect((await fetchWithKey(`${server.url}/v1/users/${ERASED}`)).status).toBe(404);
    expect((await fetchWithKey(`${server.url}/v1/videos/${ERASED}-clip1`)).status).toBe(404);
    const bob = await (await fetchWithKey(`${server.url}/v1/users/bob`)).json();
    expect(bob.following).toEqual([]);
    const feed = await (await fetchWithKey(`${server.url}/v1/feed/carol?n=30`)).json();
    expect(feed.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(feed)).not.toContain(ERASED);
    const transparency = await (await fetchWithKey(`${server.url}/v1/transparency`)).json();
    expect(transparency.statistics).toMatchObject({ videos: 20, users: 3 });
    await stop(server);

    expect(readdirSync(dataDir)).toContain('foryou.db');
    expect(filesContaining(dataDir, ERASED)).toEqual([]);
    const store = new SqliteStore(db);
    try {
      const snapshots = await store.listModelSnapshots();
      // The batch model trained with the user is deleted; at most the server's background refit is left ('best',
      // fitted on a log without the user: the byte scan above found nothing of them).
      const names = snapshots.map((s) => s.name);
      expect(names).not.toContain('ials');
      expect(names.filter((name) => name !== 'best')).toEqual([]);
    } finally {
      await store.close();
    }
    expect(execFileSync(process.execPath, [CLI, 'audit', 'verify', '--db', db], { encoding: 'utf8' })).toMatch(/intact/);
  });
});
