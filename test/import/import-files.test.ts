import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles, ImportFileError, type FileImportResult } from '../../src/import/import-files.js';
import type { RejectedLine } from '../../src/import/record-readers.js';
import { createWorld, generateEvents, writeWorldFiles, type World } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { StoredEvent } from '../../src/store/store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const NOW = Date.UTC(2025, 0, 1);
const EVENTS = 6_000;

async function storedEvents(store: SqliteStore): Promise<Omit<StoredEvent, 'seq'>[]> {
  const events: Omit<StoredEvent, 'seq'>[] = [];
  for await (const batch of store.scanEvents()) for (const { seq: _seq, ...event } of batch) events.push(event);
  return events;
}

const byKind = (results: FileImportResult[], kind: string) => results.find((r) => r.kind === kind)!;

async function withStore<T>(name: string, run: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = new SqliteStore(join(temp.dir, name));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

describe.each(['jsonl', 'csv'] as const)('importFiles from %s', (format) => {
  const world: World = createWorld({ users: 90, videos: 250, seed: 13, now: NOW });
  const dir = join(temp.dir, `world-${format}`);

  it('round-trips a simulated world into the store', async () => {
    const files = await writeWorldFiles(world, dir, { events: EVENTS, format });
    await withStore(`round-trip-${format}.db`, async (store) => {
      const rejected: RejectedLine[] = [];
      let bytes = 0;
      const results = await importFiles(store, {
        videos: files.videos,
        users: files.users,
        events: files.events,
        batchSize: 1_000,
        onRejected: (line) => void rejected.push(line),
        onBytes: (n) => (bytes += n),
      });
      expect(rejected).toEqual([]);
      expect(results.map((r) => [r.kind, r.accepted, r.duplicates, r.rejected])).toEqual([
        ['videos', 250, 0, 0],
        ['users', 90, 0, 0],
        ['events', EVENTS, 0, 0],
      ]);
      expect(await store.counts()).toMatchObject({ videos: 250, users: 90, events: EVENTS });
      for (const video of world.videos) expect(await store.getVideo(video.id)).toEqual(video);
      for (const user of world.users) expect(await store.getUser(user.id)).toEqual(user);
      // Events come back in file order, each with the creator resolved from its video.
      expect(await storedEvents(store)).toEqual([...generateEvents(world, EVENTS)]);
      expect(bytes).toBeGreaterThan(0);
    });
  });

  it('adds no duplicates when the same files are imported again', async () => {
    await withStore(`again-${format}.db`, async (store) => {
      const files = { videos: join(dir, `videos.${format}`), users: join(dir, `users.${format}`), events: join(dir, `events.${format}`) };
      await importFiles(store, files);
      const again = await importFiles(store, files);
      expect(byKind(again, 'events')).toMatchObject({ accepted: 0, duplicates: EVENTS, rejected: 0 });
      // Videos and users are replaced in place: counted as updates, not added.
      expect(byKind(again, 'videos')).toMatchObject({ accepted: 250, duplicates: 250 });
      expect(await store.counts()).toMatchObject({ videos: 250, users: 90, events: EVENTS });
    });
  });
});

describe('importFiles rejects bad lines and writes the good ones', () => {
  const TS = NOW - 60_000;
  const video = { id: 'v1', creator: 'carol', durationMs: 20_000, createdAt: NOW - 86_400_000 };

  async function importEvents(name: string, content: string) {
    const videos = join(temp.dir, `${name}-videos.jsonl`);
    writeFileSync(videos, JSON.stringify(video) + '\n');
    const events = join(temp.dir, name);
    writeFileSync(events, content);
    return withStore(`${name}.db`, async (store) => {
      const rejected: RejectedLine[] = [];
      const results = await importFiles(store, { videos, events, onRejected: (line) => void rejected.push(line) });
      return { rejected, results, stored: await storedEvents(store), users: await store.counts(), store };
    });
  }

  const reasons = (rejected: RejectedLine[]) =>
    rejected.map((r) => [r.line, r.problems.map((p) => `${p.field}: ${p.message}`).join('; ')] as const);

  it('in JSONL: bad JSON, wrong types, unknown videos, types, fields and creators', async () => {
    const line = (event: object) => JSON.stringify(event);
    const content = [
      line({ id: 'ok1', user: 'u1', video: 'v1', type: 'play', ts: TS, watchMs: 1000 }),
      '{"id":"broken","user":',
      line({ id: 'wrong-type', user: 'u1', video: 'v1', type: 'play', ts: TS, watchMs: 'long' }),
      '',
      line({ id: 'unknown-video', user: 'u1', video: 'v-nope', type: 'like', ts: TS }),
      line({ id: 'unknown-type', user: 'u1', video: 'v1', type: 'dislike', ts: TS }),
      line({ id: 'ok2', user: 'newcomer', video: 'v1', type: 'like', ts: TS + 1 }),
      line({ id: 'extra', user: 'u1', video: 'v1', type: 'like', colour: 'red' }),
      line({ id: 'follow-ghost', user: 'u1', type: 'follow', creator: 'ghost', ts: TS }),
      line({ id: 'follow-ok', user: 'u1', type: 'follow', creator: 'carol', ts: TS + 2 }),
      line({ id: 'no-watch', user: 'u1', video: 'v1', type: 'play', ts: TS }),
      '[1, 2]',
    ].join('\n');
    const { rejected, results, stored } = await importEvents('bad.jsonl', content);

    const file = join(temp.dir, 'bad.jsonl');
    expect(rejected.every((r) => r.file === file)).toBe(true);
    const got = reasons(rejected);
    expect(got.map(([n]) => n)).toEqual([2, 3, 5, 6, 8, 9, 11, 12]);
    expect(got[0]![1]).toMatch(/^line: invalid JSON/);
    expect(got[1]![1]).toMatch(/^watchMs: .*expected number/);
    expect(got[2]![1]).toBe('video: unknown video "v-nope"');
    expect(got[3]![1]).toMatch(/^type: /);
    expect(got[4]![1]).toBe('colour: unknown field');
    expect(got[5]![1]).toBe('creator: unknown creator "ghost"');
    expect(got[6]![1]).toBe('watchMs: play needs watchMs');
    expect(got[7]![1]).toMatch(/^record: .*expected object/);

    expect(byKind(results, 'events')).toMatchObject({ accepted: 3, duplicates: 0, rejected: 8 });
    expect(stored.map((e) => e.id)).toEqual(['ok1', 'ok2', 'follow-ok']);
    expect(stored[0]).toEqual({ id: 'ok1', user: 'u1', video: 'v1', creator: 'carol', type: 'play', ts: TS, watchMs: 1000 });
    expect(stored[2]).toMatchObject({ type: 'follow', video: null, creator: 'carol' });
  });

  it('creates users first met in events, as the API does', async () => {
    const content = JSON.stringify({ id: 'e1', user: 'newcomer', video: 'v1', type: 'like', ts: TS }) + '\n';
    const name = 'implicit.jsonl';
    const videos = join(temp.dir, 'implicit-videos.jsonl');
    writeFileSync(videos, JSON.stringify(video) + '\n');
    writeFileSync(join(temp.dir, name), content);
    await withStore('implicit.db', async (store) => {
      await importFiles(store, { videos, events: join(temp.dir, name) });
      expect(await store.getUser('newcomer')).toMatchObject({ id: 'newcomer', region: 'ZZ', interests: [] });
    });
  });

  it('in CSV: wrong column counts, text for numbers, unknown videos and types; quoted cells are fine', async () => {
    const content = [
      'id,user,video,creator,type,ts,watchMs',
      `ok1,u1,v1,,play,${TS},1000`,
      'short,u1,v1,,play',
      `wrong-type,u1,v1,,play,yesterday,100`,
      `unknown-video,u1,v-nope,,like,${TS},`,
      `unknown-type,u1,v1,,dislike,${TS},`,
      `"ok, quoted",u1,v1,,like,${TS + 1},`,
      `too-long,u1,v1,,like,${TS},,surplus`,
    ].join('\r\n');
    const { rejected, stored } = await importEvents('bad.csv', content + '\r\n');
    const got = reasons(rejected);
    expect(got.map(([n]) => n)).toEqual([3, 4, 5, 6, 8]);
    expect(got[0]![1]).toBe('line: expected 7 columns, got 5');
    expect(got[1]![1]).toMatch(/^ts: .*expected number/);
    expect(got[2]![1]).toBe('video: unknown video "v-nope"');
    expect(got[3]![1]).toMatch(/^type: /);
    expect(got[4]![1]).toBe('line: expected 7 columns, got 8');
    expect(stored.map((e) => e.id)).toEqual(['ok1', 'ok, quoted']);
  });

  it('refuses to start when a file is missing or of an unknown type, and writes nothing', async () => {
    const good = join(temp.dir, 'good-videos.jsonl');
    writeFileSync(good, JSON.stringify(video) + '\n');
    await withStore('missing.db', async (store) => {
      await expect(importFiles(store, { videos: good, events: join(temp.dir, 'nope.jsonl') })).rejects.toThrow(
        ImportFileError,
      );
      await expect(importFiles(store, { videos: good, events: join(temp.dir, 'nope.jsonl') })).rejects.toThrow(
        /nope\.jsonl: no such file/,
      );
      await expect(importFiles(store, { videos: join(temp.dir, 'events.xml') })).rejects.toThrow(/unknown file type/);
      expect((await store.counts()).videos).toBe(0);
    });
    expect(existsSync(good)).toBe(true);
  });
});
