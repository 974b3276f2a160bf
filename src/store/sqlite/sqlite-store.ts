import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AcceptedEvent, EventType, User, Video, VideoStatus } from '../../core/schemas.js';
import type { AppendResult, ModelSnapshotInfo, ModelSnapshotRecord, ServedItem, Store, StoredEvent, AlgorithmVersionRecord } from '../store.js';
import { MIGRATIONS } from './migrations.js';

interface VideoRow {
  id: string;
  creator: string;
  duration_ms: number;
  caption: string;
  hashtags: string;
  sound: string | null;
  language: string;
  region: string;
  created_at: number;
  status: string;
}
interface UserRow {
  id: string;
  region: string;
  created_at: number;
  interests: string;
  settings: string;
}
interface SnapshotRow {
  name: string;
  version: number;
  created_at: number;
  meta: string;
  size: number;
  bytes?: Buffer;
}
type EventRow = [number, string, string, string | null, string | null, string, number, number | null];

const EVENTS_USER_INDEX = 'CREATE INDEX IF NOT EXISTS events_user_ts ON events(user, ts)';

/** Served items are grouped into one transaction this often, so a feed request never waits for a disk flush. */
const SERVED_FLUSH_MS = 50;

interface AlgorithmRow {
  version: number;
  created_at: number;
  author: string;
  note: string;
  config: string;
}

function algorithmFromRow(row: AlgorithmRow): AlgorithmVersionRecord {
  return {
    version: row.version,
    createdAt: row.created_at,
    author: row.author,
    note: row.note,
    config: JSON.parse(row.config) as Record<string, unknown>,
  };
}

function videoFromRow(row: VideoRow): Video {
  return {
    id: row.id,
    creator: row.creator,
    durationMs: row.duration_ms,
    caption: row.caption,
    hashtags: JSON.parse(row.hashtags) as string[],
    sound: row.sound ?? undefined,
    language: row.language,
    region: row.region,
    createdAt: row.created_at,
    status: row.status as VideoStatus,
  };
}

function userFromRow(row: UserRow): User {
  return {
    id: row.id,
    region: row.region,
    createdAt: row.created_at,
    interests: JSON.parse(row.interests) as string[],
    settings: JSON.parse(row.settings) as User['settings'],
  };
}

function snapshotInfoFromRow(row: SnapshotRow): ModelSnapshotInfo {
  return {
    name: row.name,
    version: row.version,
    createdAt: row.created_at,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    sizeBytes: row.size,
  };
}

function snapshotFromRow(row: SnapshotRow): ModelSnapshotRecord {
  const bytes = row.bytes!;
  return { ...snapshotInfoFromRow(row), bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

function eventFromRow(row: EventRow): StoredEvent {
  return {
    seq: row[0],
    id: row[1],
    user: row[2],
    video: row[3],
    creator: row[4],
    type: row[5] as EventType,
    ts: row[6],
    watchMs: row[7],
  };
}

/** The embedded store: one SQLite file in WAL mode, fsynced on every commit (synchronous=FULL). */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements;
  private pendingServed: ServedItem[] = [];
  private servedTimer: NodeJS.Timeout | undefined;

  /** `cacheMb`: the page cache; a connection that only scans (a feed worker's rebuild) needs little. */
  constructor(
    readonly path: string,
    options: { cacheMb?: number } = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before the call returns, so an acknowledged batch survives a crash or power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    // A large page cache and fewer, larger checkpoints keep bulk appends fast (measured: ~1.5× on 1M events).
    this.db.pragma(`cache_size = -${Math.round((options.cacheMb ?? 256) * 1024)}`);
    this.db.pragma('wal_autocheckpoint = 10000');
    this.migrate();
    // Heals a bulk load that was interrupted before it rebuilt the index.
    this.db.exec(EVENTS_USER_INDEX);
    this.statements = {
      putVideo: this.db.prepare(
        `INSERT INTO videos (id, creator, duration_ms, caption, hashtags, sound, language, region, created_at, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET creator=excluded.creator, duration_ms=excluded.duration_ms,
           caption=excluded.caption, hashtags=excluded.hashtags, sound=excluded.sound, language=excluded.language,
           region=excluded.region, created_at=excluded.created_at, status=excluded.status`,
      ),
      getVideo: this.db.prepare<[string], VideoRow>('SELECT * FROM videos WHERE id = ?'),
      putUser: this.db.prepare(
        `INSERT INTO users (id, region, created_at, interests, settings) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET region=excluded.region, created_at=excluded.created_at,
           interests=excluded.interests, settings=excluded.settings`,
      ),
      insertImplicitUser: this.db.prepare(
        'INSERT INTO users (id, region, created_at, interests, settings) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
      ),
      getUser: this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
      insertEvent: this.db.prepare(
        `INSERT INTO events (id, user, video, creator, type, ts, watch_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO NOTHING`,
      ),
      insertServed: this.db.prepare('INSERT INTO served (user, video, ts) VALUES (?, ?, ?)'),
      eventsOfUser: this.db
        .prepare<[string, number], EventRow>(
          'SELECT seq, id, user, video, creator, type, ts, watch_ms FROM events WHERE user = ? ORDER BY ts DESC, seq DESC LIMIT ?',
        )
        .raw(true),
      getMeta: this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value',
      ),
    };
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`${this.path} has schema version ${current}; this foryou knows up to ${MIGRATIONS.length}`);
    }
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version - 1]!);
        this.db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(version, Date.now());
      })();
    }
  }

  async putVideos(videos: Video[]): Promise<void> {
    const put = this.statements.putVideo;
    this.db.transaction(() => {
      for (const v of videos) {
        put.run(
          v.id,
          v.creator,
          v.durationMs,
          v.caption,
          JSON.stringify(v.hashtags),
          v.sound ?? null,
          v.language,
          v.region,
          v.createdAt,
          v.status,
        );
      }
    })();
  }

  async getVideo(id: string): Promise<Video | undefined> {
    const row = this.statements.getVideo.get(id);
    return row && videoFromRow(row);
  }

  async putUsers(users: User[]): Promise<void> {
    const put = this.statements.putUser;
    this.db.transaction(() => {
      for (const u of users) {
        put.run(u.id, u.region, u.createdAt, JSON.stringify(u.interests), JSON.stringify(u.settings));
      }
    })();
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = this.statements.getUser.get(id);
    return row && userFromRow(row);
  }

  async appendEvents(
    events: AcceptedEvent[],
    implicitUsers: User[],
    options: { countOnly?: boolean } = {},
  ): Promise<AppendResult> {
    const { insertEvent, insertImplicitUser } = this.statements;
    return this.db.transaction((): AppendResult => {
      for (const u of implicitUsers) {
        insertImplicitUser.run(u.id, u.region, u.createdAt, JSON.stringify(u.interests), JSON.stringify(u.settings));
      }
      const inserted: StoredEvent[] = [];
      let added = 0;
      for (const e of events) {
        const result = insertEvent.run(e.id, e.user, e.video, e.creator, e.type, e.ts, e.watchMs);
        if (result.changes !== 1) continue;
        added++;
        // Bulk loads ask for counts only: one object fewer per event.
        if (!options.countOnly) inserted.push({ ...e, seq: Number(result.lastInsertRowid) });
      }
      return { added, inserted, duplicates: events.length - added };
    })();
  }

  async bulkLoad<T>(work: () => Promise<T>): Promise<T> {
    // The per-user index is the costliest to keep up row by row (measured: ~1.5× faster import without it), and
    // the batches of a bulk load need not each wait for a disk flush: the load reports success only at the end,
    // after the index rebuild has committed with synchronous=FULL — and that fsync of the WAL covers every batch.
    this.db.exec('DROP INDEX IF EXISTS events_user_ts');
    this.db.pragma('synchronous = NORMAL');
    try {
      return await work();
    } finally {
      this.db.pragma('synchronous = FULL');
      this.db.exec(EVENTS_USER_INDEX);
    }
  }

  async recordServed(items: ServedItem[]): Promise<void> {
    for (const item of items) this.pendingServed.push(item);
    this.servedTimer ??= setTimeout(() => this.flushServed(), SERVED_FLUSH_MS);
  }

  private flushServed(): void {
    this.servedTimer = undefined;
    const items = this.pendingServed;
    if (items.length === 0) return;
    this.pendingServed = [];
    const insert = this.statements.insertServed;
    // Served items may be lost in a power cut (at worst a video is shown twice), so their commit skips the fsync
    // that would stall feed requests; events keep synchronous=FULL.
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        for (const item of items) insert.run(item.user, item.video, item.ts);
      })();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async *scanVideos(batchSize = 10_000): AsyncIterable<Video[]> {
    yield* this.scanBatches<VideoRow, Video>('SELECT * FROM videos ORDER BY rowid', batchSize, videoFromRow, false);
  }

  async *scanUsers(batchSize = 10_000): AsyncIterable<User[]> {
    yield* this.scanBatches<UserRow, User>('SELECT * FROM users ORDER BY rowid', batchSize, userFromRow, false);
  }

  async *scanVideoCreators(batchSize = 10_000): AsyncIterable<Array<[string, string]>> {
    yield* this.scanBatches<[string, string], [string, string]>('SELECT id, creator FROM videos', batchSize, (row) => row, true);
  }

  async *scanUserIds(batchSize = 10_000): AsyncIterable<string[]> {
    yield* this.scanBatches<[string], string>('SELECT id FROM users', batchSize, (row) => row[0], true);
  }

  async *scanEvents(batchSize = 10_000): AsyncIterable<StoredEvent[]> {
    yield* this.scanBatches<EventRow, StoredEvent>(
      'SELECT seq, id, user, video, creator, type, ts, watch_ms FROM events ORDER BY seq',
      batchSize,
      eventFromRow,
      true,
    );
  }

  async *scanServed(batchSize = 10_000): AsyncIterable<ServedItem[]> {
    this.flushServed();
    yield* this.scanBatches<[string, string, number], ServedItem>(
      'SELECT user, video, ts FROM served ORDER BY rowid',
      batchSize,
      (row) => ({ user: row[0], video: row[1], ts: row[2] }),
      true,
    );
  }

  private async *scanBatches<Row, Out>(
    sql: string,
    batchSize: number,
    convert: (row: Row) => Out,
    raw: boolean,
  ): AsyncIterable<Out[]> {
    const statement = this.db.prepare(sql);
    if (raw) statement.raw(true);
    let batch: Out[] = [];
    for (const row of statement.iterate() as IterableIterator<Row>) {
      batch.push(convert(row));
      if (batch.length >= batchSize) {
        // The SQLite cursor stays open across this yield: a consumer must not write to this store mid-scan.
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async eventsOfUser(user: string, limit: number): Promise<StoredEvent[]> {
    return this.statements.eventsOfUser.all(user, limit).map(eventFromRow);
  }

  async counts(): Promise<{ videos: number; users: number; events: number; served: number }> {
    this.flushServed();
    const count = (table: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { videos: count('videos'), users: count('users'), events: count('events'), served: count('served') };
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.statements.getMeta.get(key)?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.statements.setMeta.run(key, value);
  }

  async saveModelSnapshot(name: string, bytes: Uint8Array, meta: Record<string, unknown>): Promise<number> {
    return this.db.transaction((): number => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM model_snapshots WHERE name = ?').get(name) as { v: number | null };
      const version = (row.v ?? 0) + 1;
      this.db
        .prepare('INSERT INTO model_snapshots (name, version, created_at, meta, bytes) VALUES (?, ?, ?, ?, ?)')
        .run(name, version, Date.now(), JSON.stringify(meta), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return version;
    }).immediate();
  }

  async latestModelSnapshot(name: string): Promise<ModelSnapshotRecord | undefined> {
    const row = this.db
      .prepare<[string], SnapshotRow>(
        'SELECT name, version, created_at, meta, length(bytes) AS size, bytes FROM model_snapshots WHERE name = ? ORDER BY version DESC LIMIT 1',
      )
      .get(name);
    return row && snapshotFromRow(row);
  }

  async modelSnapshot(name: string, version: number): Promise<ModelSnapshotRecord | undefined> {
    const row = this.db
      .prepare<[string, number], SnapshotRow>(
        'SELECT name, version, created_at, meta, length(bytes) AS size, bytes FROM model_snapshots WHERE name = ? AND version = ?',
      )
      .get(name, version);
    return row && snapshotFromRow(row);
  }

  async listModelSnapshots(): Promise<ModelSnapshotInfo[]> {
    return this.db
      .prepare<[], SnapshotRow>(
        'SELECT name, version, created_at, meta, length(bytes) AS size FROM model_snapshots ORDER BY name, version',
      )
      .all()
      .map(snapshotInfoFromRow);
  }

  async addAlgorithmVersion(config: Record<string, unknown>, author: string, note: string): Promise<AlgorithmVersionRecord> {
    return this.db.transaction((): AlgorithmVersionRecord => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM algorithm_versions').get() as { v: number | null };
      const record = { version: (row.v ?? 0) + 1, createdAt: Date.now(), author, note, config };
      this.db
        .prepare('INSERT INTO algorithm_versions (version, created_at, author, note, config) VALUES (?, ?, ?, ?, ?)')
        .run(record.version, record.createdAt, author, note, JSON.stringify(config));
      return record;
    }).immediate();
  }

  async latestAlgorithmVersion(): Promise<AlgorithmVersionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM algorithm_versions ORDER BY version DESC LIMIT 1').get() as AlgorithmRow | undefined;
    return row && algorithmFromRow(row);
  }

  async algorithmVersion(version: number): Promise<AlgorithmVersionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM algorithm_versions WHERE version = ?').get(version) as AlgorithmRow | undefined;
    return row && algorithmFromRow(row);
  }

  async listAlgorithmVersions(): Promise<AlgorithmVersionRecord[]> {
    return (this.db.prepare('SELECT * FROM algorithm_versions ORDER BY version').all() as AlgorithmRow[]).map(algorithmFromRow);
  }

  async close(): Promise<void> {
    if (this.servedTimer) clearTimeout(this.servedTimer);
    this.flushServed();
    this.db.close();
  }
}
