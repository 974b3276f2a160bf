import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AcceptedEvent, User, Video } from '../../src/core/schemas.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { ServedItem } from '../../src/store/store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

const video: Video = {
  id: 'v1',
  creator: 'alice',
  durationMs: 12_000,
  caption: 'a caption with ünïcödé',
  hashtags: ['dance', 'fyp'],
  sound: 's1',
  language: 'de',
  region: 'DE',
  createdAt: 1_700_000_000_000,
  status: 'live',
};
const user: User = { id: 'bob', region: 'FR', createdAt: 1_700_000_000_000, interests: ['cats'], settings: { personalized: false, minor: true } };
const event = (id: string, overrides: Partial<AcceptedEvent> = {}): AcceptedEvent => ({
  id,
  user: 'bob',
  video: 'v1',
  creator: 'alice',
  type: 'play',
  ts: 1_700_000_100_000,
  watchMs: 6000,
  ...overrides,
});

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

describe('SqliteStore', () => {
  it('round-trips videos and users, and keeps them after reopening', async () => {
    const path = join(temp.dir, 'roundtrip.db');
    let store = new SqliteStore(path);
    await store.putVideos([video]);
    await store.putUsers([user]);
    await store.close();
    store = new SqliteStore(path);
    expect(await store.getVideo('v1')).toEqual(video);
    expect(await store.getUser('bob')).toEqual(user);
    expect(await store.getVideo('nope')).toBeUndefined();
    expect(await collect(store.scanVideos())).toEqual([video]);
    await store.close();
  });

  it('applies each migration once and records the schema version', async () => {
    const path = join(temp.dir, 'migrations.db');
    await new SqliteStore(path).close();
    await new SqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual(MIGRATIONS.map((_, i) => ({ version: i + 1 })));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a file written by a newer schema', async () => {
    const path = join(temp.dir, 'future.db');
    await new SqliteStore(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, 0)').run(MIGRATIONS.length + 1);
    db.close();
    expect(() => new SqliteStore(path)).toThrow(/schema version/);
  });

  it('appends events idempotently and creates implicit users in the same transaction', async () => {
    const store = new SqliteStore(join(temp.dir, 'events.db'));
    await store.putVideos([video]);
    const first = await store.appendEvents([event('e1'), event('e2')], [user]);
    expect(first.inserted.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(first.inserted[1]!.seq).toBeGreaterThan(first.inserted[0]!.seq);
    const second = await store.appendEvents([event('e2'), event('e3'), event('e3')], []);
    expect(second.inserted.map((e) => e.id)).toEqual(['e3']);
    expect(second.duplicates).toBe(2);
    expect((await collect(store.scanEvents())).map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    expect((await store.eventsOfUser('bob', 2)).map((e) => e.id)).toEqual(['e3', 'e2']);
    expect(await store.getUser('bob')).toEqual(user);
    await store.close();
  });

  it('scans the events of some types in log order with their video\'s duration, and tells the log\'s extent', async () => {
    const store = new SqliteStore(join(temp.dir, 'engagement.db'));
    expect(await store.eventLogExtent()).toEqual({ events: 0, lastSeq: 0 });
    await store.putVideos([video]);
    await store.appendEvents(
      [
        event('e1', { watchMs: 9_000 }),
        event('e2', { type: 'impression', watchMs: null }),
        event('e3', { type: 'like', video: 'gone', watchMs: null }),
        event('e4', { type: 'follow', video: null, watchMs: null }),
        event('e5', { type: 'report', watchMs: null }),
      ],
      [user],
    );
    const rows = (await collect(store.scanEngagement(['play', 'like', 'follow', 'report']))).map(([, ...fields]) => fields);
    expect(rows).toEqual([
      ['bob', 'v1', 'play', 9_000, 12_000],
      ['bob', 'gone', 'like', null, null],
      ['bob', null, 'follow', null, null],
      ['bob', 'v1', 'report', null, 12_000],
    ]);
    const seqs = (await collect(store.scanEvents())).map((e) => e.seq);
    expect(await store.eventLogExtent()).toEqual({ events: 5, lastSeq: Math.max(...seqs) });
    expect(await collect(store.scanEngagement([]))).toEqual([]);
    await store.close();
  });

  it("scopes event ids per user, also in a store made before they were (migration 8 keeps every event and its seq)", async () => {
    const path = join(temp.dir, 'per-user-ids.db');
    // A store of schema 7, as the previous release wrote it, with events of two users.
    const old = new Database(path);
    old.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    MIGRATIONS.slice(0, 7).forEach((migration, i) => {
      old.exec(migration);
      old.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, 0)').run(i + 1);
    });
    const insert = old.prepare('INSERT INTO events (seq, id, user, video, creator, type, ts, watch_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run(5, 'e1', 'alice', 'v1', 'alice', 'like', 1_700_000_000_000, null);
    insert.run(9, 'e2', 'bob', 'v1', 'alice', 'play', 1_700_000_000_001, 5000);
    old.close();
    const store = new SqliteStore(path);
    expect((await collect(store.scanEvents())).map((e) => [e.seq, e.id, e.user])).toEqual([[5, 'e1', 'alice'], [9, 'e2', 'bob']]);
    // bob's own e1 is new (alice's does not shadow it); his e2 again is a duplicate.
    const appended = await store.appendEvents([event('e1'), event('e2')], []);
    expect(appended).toMatchObject({ added: 1, duplicates: 1 });
    expect(appended.inserted[0]).toMatchObject({ id: 'e1', user: 'bob' });
    expect(appended.inserted[0]!.seq).toBeGreaterThan(9);
    const bulk = await store.appendEvents([event('e1', { user: 'carol' }), event('e1', { user: 'alice' })], [], { countOnly: true });
    expect(bulk).toMatchObject({ added: 1, duplicates: 1 });
    await store.close();
  });

  it('pages through a user\'s events oldest first without skipping ties in time', async () => {
    const store = new SqliteStore(join(temp.dir, 'pages.db'));
    await store.putVideos([video]);
    const events = Array.from({ length: 25 }, (_, i) => event(`p${i}`, { ts: 1_700_000_000_000 + Math.floor(i / 4) }));
    await store.appendEvents([...events].reverse(), [user]);
    const read: string[] = [];
    let after: { ts: number; seq: number } | undefined;
    for (;;) {
      const page = await store.eventsOfUserPage('bob', after, 7);
      if (page.length === 0) break;
      read.push(...page.map((e) => e.id));
      after = { ts: page.at(-1)!.ts, seq: page.at(-1)!.seq };
    }
    const expected = (await store.eventsOfUser('bob', 100)).reverse().map((e) => e.id);
    expect(read).toEqual(expected);
    expect(read).toHaveLength(25);
    await store.close();
  });

  it('counts new and duplicate events exactly in count-only (bulk) appends of many rows', async () => {
    const store = new SqliteStore(join(temp.dir, 'count-only.db'));
    await store.putVideos([video]);
    await store.appendEvents([event('c5'), event('c77')], [user]);
    // 150 ids, 2 stored before and 10 repeated within the batch: spans several multi-row statements and a remainder.
    const ids = Array.from({ length: 150 }, (_, i) => `c${i}`).concat(Array.from({ length: 10 }, (_, i) => `c${i * 3}`));
    const result = await store.appendEvents(ids.map((id) => event(id)), [], { countOnly: true });
    expect(result).toMatchObject({ added: 148, duplicates: 12, inserted: [] });
    expect((await store.counts()).events).toBe(150);
    const stored = (await collect(store.scanEvents())).map((e) => e.id);
    expect(new Set(stored).size).toBe(150);
    await store.close();
  });

  it('writes nothing of a batch that fails part-way', async () => {
    const store = new SqliteStore(join(temp.dir, 'atomic.db'));
    const broken = event('e-broken', { user: null as unknown as string });
    await expect(store.appendEvents([event('a1'), event('a2'), broken, event('a3')], [user])).rejects.toThrow();
    expect((await store.counts()).events).toBe(0);
    expect(await store.getUser('bob')).toBeUndefined();
    await store.close();
  });

  it('writes served items behind, and has them after close', async () => {
    const path = join(temp.dir, 'served.db');
    let store = new SqliteStore(path);
    const items: ServedItem[] = [{ user: 'bob', video: 'v1', ts: 1 }, { user: 'ann', video: 'v2', ts: 2 }];
    await store.recordServed(items);
    expect(items.map((item) => item.seq)).toEqual([1, 2]); // positions given at once, the rows written behind
    await store.close();
    store = new SqliteStore(path);
    expect(await collect(store.scanServed())).toEqual([{ seq: 1, user: 'bob', video: 'v1', ts: 1 }, { seq: 2, user: 'ann', video: 'v2', ts: 2 }]);
    expect(await collect(store.scanLogAfter(1))).toEqual([{ served: { seq: 2, user: 'ann', video: 'v2', ts: 2 } }]);
    await store.close();
  });
});

describe('SqliteStore log', () => {
  it('gives events and served items positions from one sequence and reads them back merged, in that order', async () => {
    const store = new SqliteStore(join(temp.dir, 'log.db'));
    const event = (id: string): AcceptedEvent => ({ id, user: 'u', video: 'v', creator: null, type: 'play', ts: 1, watchMs: 100 });
    await store.appendEvents([event('a'), event('b')], []);
    const served: ServedItem[] = [{ user: 'u', video: 'v1', ts: 2 }];
    await store.recordServed(served);
    await store.appendEvents([event('c')], []);
    await store.recordServed([{ user: 'u', video: 'v2', ts: 3 }, { user: 'u', video: 'v3', ts: 3 }]);
    const log = [];
    for await (const batch of store.scanLogAfter(0, 2)) log.push(...batch.map((entry) => ('event' in entry ? `e${entry.event.seq}` : `s${entry.served.seq}`)));
    expect(log).toEqual(['e1', 'e2', 's3', 'e4', 's5', 's6']);
    const after = [];
    for await (const batch of store.scanLogAfter(3)) after.push(...batch.map((entry) => ('event' in entry ? entry.event.id : entry.served.video)));
    expect(after).toEqual(['c', 'v2', 'v3']);
    expect(await store.logPosition()).toMatchObject({ seq: 6 });
    await store.close();
  });
});
