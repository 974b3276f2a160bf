import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditEntry } from '../../core/audit-chain.js';
import type { AcceptedEvent, EventType, User, Video, VideoStatus } from '../../core/schemas.js';
import type {
  AppendResult,
  AuditAnchor,
  EngagementRow,
  ModelSnapshotInfo,
  ModelSnapshotRecord,
  ServedItem,
  Store,
  StoredEvent,
  AlgorithmVersionRecord,
  UserErasure,
  ApiKeyRecord,
  LogEntry,
  LogPosition,
} from '../store.js';
import { MIGRATIONS } from './migrations.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { WalSync } from './wal-sync.js';

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
  audience: string;
  blocked_regions: string | null;
  media_url: string | null;
  thumbnail_url: string | null;
}
interface UserRow {
  id: string;
  region: string;
  created_at: number;
  interests: string;
  settings: string;
  blocked: string | null;
}
interface SnapshotRow {
  name: string;
  version: number;
  created_at: number;
  meta: string;
  size: number;
  parts: number;
  bytes?: Buffer;
}

/** A snapshot row's columns but its inline bytes; `size` is the whole snapshot's, wherever its bytes are. */
const SNAPSHOT_COLUMNS = 'name, version, created_at, meta, parts, COALESCE(size, length(bytes)) AS size';

/** The most bytes of a snapshot one row of model_snapshot_parts holds (see migration 9). */
const SNAPSHOT_PART_BYTES = 4 * 2 ** 20;
type EventRow = [number, string, string, string | null, string | null, string, number, number | null];

const EVENTS_USER_INDEX = 'CREATE INDEX IF NOT EXISTS events_user_ts ON events(user, ts)';

/** Served items are grouped into one transaction this often, so a feed request never waits for a disk flush. */
const SERVED_FLUSH_MS = 50;
const EVENT_ROWS_PER_STATEMENT = 64;

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

interface ApiKeyRow {
  id: string;
  hash: string;
  role: string;
  user: string | null;
  created_at: number;
  revoked_at: number | null;
}

function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return { id: row.id, hash: row.hash, role: row.role, user: row.user, createdAt: row.created_at, revokedAt: row.revoked_at };
}

interface AuditRow {
  seq: number;
  ts: number;
  kind: string;
  actor: string;
  subject: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

const AUDIT_ANCHOR_KEY = 'audit.head';
/** Meta keys: the positions no new row may take again (store.ts `raiseLogPosition`), and the erasures counted. */
const LOG_FLOOR_KEY = 'log.floor';
const ERASURE_EPOCH_KEY = 'erasure.epoch';

function auditFromRow(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    ts: row.ts,
    kind: row.kind,
    actor: row.actor,
    subject: row.subject,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
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
    // Defaults are left out, so a record reads back as it was written before these fields existed.
    ...(row.audience === 'adult' ? { audience: 'adult' as const } : {}),
    ...(row.blocked_regions === null ? {} : { blockedRegions: JSON.parse(row.blocked_regions) as string[] }),
    ...(row.media_url === null ? {} : { mediaUrl: row.media_url }),
    ...(row.thumbnail_url === null ? {} : { thumbnailUrl: row.thumbnail_url }),
  };
}

/** The JSON of a list column, or NULL for an empty or absent list (the default). */
function jsonOrNull(list: readonly unknown[] | undefined): string | null {
  return list === undefined || list.length === 0 ? null : JSON.stringify(list);
}

function blockedJson(user: User): string | null {
  const blocked = user.blocked;
  if (!blocked || (blocked.creators.length === 0 && blocked.sounds.length === 0)) return null;
  return JSON.stringify(blocked);
}

function userFromRow(row: UserRow): User {
  return {
    id: row.id,
    region: row.region,
    createdAt: row.created_at,
    interests: JSON.parse(row.interests) as string[],
    settings: JSON.parse(row.settings) as User['settings'],
    ...(row.blocked === null ? {} : { blocked: JSON.parse(row.blocked) as NonNullable<User['blocked']> }),
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

/** The pieces of `chunks`, none longer than a part. */
function* partsOf(chunks: Uint8Array | Iterable<Uint8Array>): Iterable<Uint8Array> {
  for (const chunk of chunks instanceof Uint8Array ? [chunks] : chunks) {
    for (let at = 0; at < chunk.byteLength; at += SNAPSHOT_PART_BYTES) {
      yield chunk.subarray(at, Math.min(chunk.byteLength, at + SNAPSHOT_PART_BYTES));
    }
  }
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

export interface StoreOptions {
  /** The page cache; a connection that only scans (a feed worker's rebuild) needs little. */
  cacheMb?: number;
  /**
   * A serving store: its write-ahead log is checkpointed by a thread of its own (wal-checkpointer.ts) and events are
   * acknowledged after an fsync on libuv's thread pool (wal-sync.ts), never on the thread that commits.
   */
  serving?: boolean;
}

/** The embedded store: one SQLite file in WAL mode, fsynced on every commit (synchronous=FULL). */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements;
  private pendingServed: ServedItem[] = [];
  private servedTimer: NodeJS.Timeout | undefined;
  private insertEventsMany: Database.Statement<unknown[]> | undefined;
  private eventsOfUserPageStatement: Database.Statement<[string, number, number, number], EventRow> | undefined;
  /** Told of the log's new entries in position order (store.ts `subscribeLog`). */
  private logListener: ((entries: LogEntry[]) => void) | undefined;
  /** The positions last given (store.ts `LogPosition`): counted here, as the tables' maxima fall when rows are erased. */
  private readonly position: LogPosition;

  /** A serving store's: copies the write-ahead log into the file on a thread of its own (wal-checkpointer.ts). */
  private readonly checkpointer: WalCheckpointer | undefined;
  /** A serving store's: flushes the log to disk off this thread before events are acknowledged (wal-sync.ts). */
  private readonly walSync: WalSync | undefined;

  constructor(
    readonly path: string,
    options: StoreOptions = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before the call returns, so an acknowledged batch survives a crash or power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    // A large page cache and fewer, larger checkpoints keep bulk appends fast (measured: ~1.5× on 1M events).
    this.db.pragma(`cache_size = -${Math.round((options.cacheMb ?? 256) * 1024)}`);
    // With a checkpointer thread, a commit checkpoints only if that thread has fallen 400 MB behind.
    const serving = options.serving === true && path !== ':memory:';
    this.db.pragma(`wal_autocheckpoint = ${serving ? 100_000 : 10_000}`);
    // Deleted rows are overwritten with zeros, not left in free pages: an erased user must be gone from the file.
    this.db.pragma('secure_delete = ON');
    this.migrate();
    // Heals a bulk load that was interrupted before it rebuilt the index.
    this.db.exec(EVENTS_USER_INDEX);
    this.position = this.readLogPosition();
    this.checkpointer = serving ? new WalCheckpointer(path) : undefined;
    this.walSync = serving ? new WalSync(path) : undefined;
    this.statements = {
      putVideo: this.db.prepare(
        `INSERT INTO videos (id, creator, duration_ms, caption, hashtags, sound, language, region, created_at, status,
           audience, blocked_regions, media_url, thumbnail_url, rev)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET creator=excluded.creator, duration_ms=excluded.duration_ms,
           caption=excluded.caption, hashtags=excluded.hashtags, sound=excluded.sound, language=excluded.language,
           region=excluded.region, created_at=excluded.created_at, status=excluded.status,
           audience=excluded.audience, blocked_regions=excluded.blocked_regions, media_url=excluded.media_url,
           thumbnail_url=excluded.thumbnail_url, rev=excluded.rev`,
      ),
      getVideo: this.db.prepare<[string], VideoRow>('SELECT * FROM videos WHERE id = ?'),
      putUser: this.db.prepare(
        `INSERT INTO users (id, region, created_at, interests, settings, blocked, rev) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET region=excluded.region, created_at=excluded.created_at,
           interests=excluded.interests, settings=excluded.settings, blocked=excluded.blocked, rev=excluded.rev`,
      ),
      insertImplicitUser: this.db.prepare(
        'INSERT INTO users (id, region, created_at, interests, settings, rev) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
      ),
      getUser: this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
      insertEvent: this.db.prepare(
        `INSERT INTO events (seq, id, user, video, creator, type, ts, watch_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(user, id) DO NOTHING`,
      ),
      insertServed: this.db.prepare('INSERT INTO served (rowid, user, video, ts) VALUES (?, ?, ?, ?)'),
      eventsOfUser: this.db
        .prepare<[string, number], EventRow>(
          'SELECT seq, id, user, video, creator, type, ts, watch_ms FROM events WHERE user = ? ORDER BY ts DESC, seq DESC LIMIT ?',
        )
        .raw(true),
      getMeta: this.db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value',
      ),
      // Read on every authenticated request (a revocation by `foryou keys revoke` applies at once): prepared once.
      apiKey: this.db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
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

  /** The tables' maxima, raised to the floor an erasure or a restored snapshot left (`raiseLogPosition`). */
  private readLogPosition(): LogPosition {
    const max = (sql: string) => (this.db.prepare(sql).get() as { v: number | null }).v ?? 0;
    const stored = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(LOG_FLOOR_KEY) as { value: string } | undefined;
    const floor = (stored ? JSON.parse(stored.value) : {}) as Partial<LogPosition>;
    return {
      seq: Math.max(max('SELECT max(seq) AS v FROM events'), max('SELECT max(rowid) AS v FROM served'), floor.seq ?? 0),
      rev: Math.max(max('SELECT max(rev) AS v FROM videos'), max('SELECT max(rev) AS v FROM users'), floor.rev ?? 0),
    };
  }

  /** Runs `work` in a transaction; the positions it gave are taken back if it fails; `after` runs either way. */
  private positioned<T>(work: () => T, after?: () => void): T {
    const before = { ...this.position };
    try {
      return this.db.transaction(work)();
    } catch (error) {
      Object.assign(this.position, before);
      throw error;
    } finally {
      after?.();
    }
  }

  async flushWrites(): Promise<void> {
    this.flushServed();
    await this.walSync?.sync();
  }

  subscribeLog(listener: (entries: LogEntry[]) => void): void {
    this.logListener = listener;
  }

  async logPosition(): Promise<LogPosition> {
    return { ...this.position };
  }

  async raiseLogPosition(floor: LogPosition): Promise<void> {
    this.position.seq = Math.max(this.position.seq, floor.seq);
    this.position.rev = Math.max(this.position.rev, floor.rev);
    this.statements.setMeta.run(LOG_FLOOR_KEY, JSON.stringify(this.position));
  }

  async erasureEpoch(): Promise<number> {
    return Number(this.statements.getMeta.get(ERASURE_EPOCH_KEY)?.value ?? 0);
  }

  /**
   * Both tables read a page at a time by position (no cursor held open between pages) and merged: each is in position
   * order on its own key, so the merge is the log.
   */
  async *scanLogAfter(seq: number, batchSize = 10_000): AsyncIterable<LogEntry[]> {
    this.flushServed();
    const events = this.db.prepare<[number, number], EventRow>(
      'SELECT seq, id, user, video, creator, type, ts, watch_ms FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    events.raw(true);
    const served = this.db.prepare<[number, number], [number, string, string, number]>(
      'SELECT rowid, user, video, ts FROM served WHERE rowid > ? ORDER BY rowid LIMIT ?',
    );
    served.raw(true);
    let eventPage: StoredEvent[] = [];
    let servedPage: Array<ServedItem & { seq: number }> = [];
    let e = 0;
    let s = 0;
    let eventsAfter = seq;
    let servedAfter = seq;
    let eventsDone = false;
    let servedDone = false;
    for (;;) {
      if (e === eventPage.length && !eventsDone) {
        eventPage = (events.all(eventsAfter, batchSize) as unknown as EventRow[]).map(eventFromRow);
        e = 0;
        eventsDone = eventPage.length < batchSize;
        if (eventPage.length > 0) eventsAfter = eventPage[eventPage.length - 1]!.seq;
      }
      if (s === servedPage.length && !servedDone) {
        servedPage = (served.all(servedAfter, batchSize) as unknown as Array<[number, string, string, number]>).map((row) => ({
          seq: row[0],
          user: row[1],
          video: row[2],
          ts: row[3],
        }));
        s = 0;
        servedDone = servedPage.length < batchSize;
        if (servedPage.length > 0) servedAfter = servedPage[servedPage.length - 1]!.seq;
      }
      if (e === eventPage.length && s === servedPage.length) return;
      const batch: LogEntry[] = [];
      // Until either page runs out: the next page of that table may hold the next position.
      while (e < eventPage.length && s < servedPage.length && batch.length < batchSize) {
        if (eventPage[e]!.seq < servedPage[s]!.seq) batch.push({ event: eventPage[e++]! });
        else batch.push({ served: servedPage[s++]! });
      }
      if (batch.length === 0) {
        // One table is exhausted for good: the other's page goes whole.
        while (e < eventPage.length && batch.length < batchSize) batch.push({ event: eventPage[e++]! });
        while (s < servedPage.length && batch.length < batchSize) batch.push({ served: servedPage[s++]! });
      }
      yield batch;
    }
  }

  async videosChangedAfter(rev: number): Promise<Array<{ video: Video; rev: number }>> {
    return this.db
      .prepare<[number], VideoRow & { rev: number }>('SELECT * FROM videos WHERE rev > ? ORDER BY rev')
      .all(rev)
      .map((row) => ({ video: videoFromRow(row), rev: row.rev }));
  }

  async usersChangedAfter(rev: number): Promise<Array<{ user: User; rev: number }>> {
    return this.db
      .prepare<[number], UserRow & { rev: number }>('SELECT * FROM users WHERE rev > ? ORDER BY rev')
      .all(rev)
      .map((row) => ({ user: userFromRow(row), rev: row.rev }));
  }

  async putVideos(videos: Video[]): Promise<number> {
    const put = this.statements.putVideo;
    return this.positioned(() => {
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
          v.audience ?? 'all',
          jsonOrNull(v.blockedRegions),
          v.mediaUrl ?? null,
          v.thumbnailUrl ?? null,
          ++this.position.rev,
        );
      }
      return this.position.rev;
    });
  }

  async getVideo(id: string): Promise<Video | undefined> {
    const row = this.statements.getVideo.get(id);
    return row && videoFromRow(row);
  }

  async putUsers(users: User[]): Promise<number> {
    const put = this.statements.putUser;
    return this.positioned(() => {
      for (const u of users) {
        put.run(u.id, u.region, u.createdAt, JSON.stringify(u.interests), JSON.stringify(u.settings), blockedJson(u), ++this.position.rev);
      }
      return this.position.rev;
    });
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
    const position = this.position;
    // A serving store flushes the log off this thread (below) instead of in the commit.
    const syncAfter = this.walSync !== undefined && !options.countOnly;
    if (syncAfter) this.db.pragma('synchronous = NORMAL');
    const result = this.positioned((): AppendResult => {
      let rev = 0;
      for (const u of implicitUsers) {
        if (insertImplicitUser.run(u.id, u.region, u.createdAt, JSON.stringify(u.interests), JSON.stringify(u.settings), position.rev + 1).changes === 1) {
          rev = ++position.rev;
        }
      }
      // Many rows a statement (bulk loads) when SQLite's own next rowid is the next position: nothing was erased above it.
      if (options.countOnly && position.seq === this.maxEventSeq()) {
        const added = this.insertEventRows(events);
        position.seq = this.maxEventSeq();
        return { added, inserted: [], duplicates: events.length - added, rev };
      }
      const inserted: StoredEvent[] = [];
      let added = 0;
      for (const e of events) {
        const result = insertEvent.run(position.seq + 1, e.id, e.user, e.video, e.creator, e.type, e.ts, e.watchMs);
        if (result.changes !== 1) continue;
        added++;
        position.seq++;
        if (!options.countOnly) inserted.push({ ...e, seq: position.seq });
      }
      return { added, inserted, duplicates: events.length - added, rev };
    }, () => {
      if (syncAfter) this.db.pragma('synchronous = FULL');
    });
    // Committed: the listener hears of the events before anything else can take a position (the state may apply
    // them a few milliseconds before they are on disk; a snapshot's cut waits for the flush, see flushWrites).
    if (this.logListener && result.inserted.length > 0) this.logListener(result.inserted.map((event) => ({ event })));
    // Acknowledged (returned) only once on disk.
    if (syncAfter && (result.added > 0 || result.rev > 0)) await this.walSync!.sync();
    return result;
  }

  /**
   * Inserts events EVENT_ROWS_PER_STATEMENT at a time, returning how many were new: bulk loads need counts only,
   * and one statement per many rows spares most of the per-row crossing into SQLite (measured ~1.3× on import).
   */
  private insertEventRows(events: AcceptedEvent[]): number {
    this.insertEventsMany ??= this.db.prepare(
      `INSERT INTO events (id, user, video, creator, type, ts, watch_ms) VALUES ${Array(EVENT_ROWS_PER_STATEMENT)
        .fill('(?, ?, ?, ?, ?, ?, ?)')
        .join(', ')} ON CONFLICT(user, id) DO NOTHING`,
    );
    const params: unknown[] = new Array(EVENT_ROWS_PER_STATEMENT * 7);
    let added = 0;
    let i = 0;
    for (; i + EVENT_ROWS_PER_STATEMENT <= events.length; i += EVENT_ROWS_PER_STATEMENT) {
      for (let r = 0; r < EVENT_ROWS_PER_STATEMENT; r++) {
        const e = events[i + r]!;
        const base = r * 7;
        params[base] = e.id;
        params[base + 1] = e.user;
        params[base + 2] = e.video;
        params[base + 3] = e.creator;
        params[base + 4] = e.type;
        params[base + 5] = e.ts;
        params[base + 6] = e.watchMs;
      }
      added += this.insertEventsMany.run(params).changes;
    }
    for (; i < events.length; i++) {
      const e = events[i]!;
      added += this.statements.insertEvent.run(null, e.id, e.user, e.video, e.creator, e.type, e.ts, e.watchMs).changes;
    }
    return added;
  }

  private maxEventSeq(): number {
    return (this.db.prepare('SELECT max(seq) AS v FROM events').get() as { v: number | null }).v ?? 0;
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
    for (const item of items) {
      item.seq = ++this.position.seq;
      this.pendingServed.push(item);
    }
    this.logListener?.(items.map((item) => ({ served: item as ServedItem & { seq: number } })));
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
        for (const item of items) insert.run(item.seq, item.user, item.video, item.ts);
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

  async *scanEngagement(types: readonly EventType[], batchSize = 10_000): AsyncIterable<EngagementRow[]> {
    if (types.length === 0) return;
    // The duration comes from the videos' primary key, one lookup per row read: no map of a million durations.
    yield* this.scanBatches<EngagementRow, EngagementRow>(
      `SELECT e.seq, e.user, e.video, e.type, e.watch_ms, v.duration_ms FROM events e LEFT JOIN videos v ON v.id = e.video
       WHERE e.type IN (${types.map(() => '?').join(', ')}) ORDER BY e.seq`,
      batchSize,
      (row) => row,
      true,
      types,
    );
  }

  async eventLogExtent(): Promise<{ events: number; lastSeq: number }> {
    const row = this.db.prepare('SELECT count(*) AS events, coalesce(max(seq), 0) AS lastSeq FROM events').get() as { events: number; lastSeq: number };
    return { events: row.events, lastSeq: row.lastSeq };
  }

  async *scanServed(batchSize = 10_000): AsyncIterable<ServedItem[]> {
    this.flushServed();
    yield* this.scanBatches<[number, string, string, number], ServedItem>(
      'SELECT rowid, user, video, ts FROM served ORDER BY rowid',
      batchSize,
      (row) => ({ seq: row[0], user: row[1], video: row[2], ts: row[3] }),
      true,
    );
  }

  private async *scanBatches<Row, Out>(
    sql: string,
    batchSize: number,
    convert: (row: Row) => Out,
    raw: boolean,
    parameters: readonly unknown[] = [],
  ): AsyncIterable<Out[]> {
    const statement = this.db.prepare(sql);
    if (raw) statement.raw(true);
    let batch: Out[] = [];
    for (const row of statement.iterate(...parameters) as IterableIterator<Row>) {
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

  async eventsOfUserPage(user: string, after: { ts: number; seq: number } | undefined, limit: number): Promise<StoredEvent[]> {
    // A row-value range on (user, ts) and the rowid the index carries: each page is one index seek, not a sort.
    this.eventsOfUserPageStatement ??= this.db
      .prepare<[string, number, number, number], EventRow>(
        'SELECT seq, id, user, video, creator, type, ts, watch_ms FROM events WHERE user = ? AND (ts, seq) > (?, ?) ORDER BY ts, seq LIMIT ?',
      )
      .raw(true);
    const from = after ?? { ts: Number.MIN_SAFE_INTEGER, seq: Number.MIN_SAFE_INTEGER };
    return this.eventsOfUserPageStatement.all(user, from.ts, from.seq, limit).map(eventFromRow);
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

  async saveModelSnapshot(name: string, bytes: Uint8Array | Iterable<Uint8Array>, meta: Record<string, unknown>): Promise<number> {
    return this.db.transaction((): number => {
      const row = this.db.prepare('SELECT MAX(version) AS v FROM model_snapshots WHERE name = ?').get(name) as { v: number | null };
      const version = (row.v ?? 0) + 1;
      const insertPart = this.db.prepare('INSERT INTO model_snapshot_parts (name, version, part, bytes) VALUES (?, ?, ?, ?)');
      let parts = 0;
      let size = 0;
      // Each part is bound and written before the next is asked for: a caller may refill one buffer (see Store).
      for (const part of partsOf(bytes)) {
        insertPart.run(name, version, parts++, Buffer.from(part.buffer, part.byteOffset, part.byteLength));
        size += part.byteLength;
      }
      this.db
        .prepare("INSERT INTO model_snapshots (name, version, created_at, meta, bytes, parts, size) VALUES (?, ?, ?, ?, X'', ?, ?)")
        .run(name, version, Date.now(), JSON.stringify(meta), parts, size);
      return version;
    }).immediate();
  }

  async latestModelSnapshot(name: string): Promise<ModelSnapshotRecord | undefined> {
    const row = this.db
      .prepare<[string], SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS}, bytes FROM model_snapshots WHERE name = ? ORDER BY version DESC LIMIT 1`)
      .get(name);
    return row && this.snapshotFromRow(row);
  }

  async modelSnapshot(name: string, version: number): Promise<ModelSnapshotRecord | undefined> {
    const row = this.db
      .prepare<[string, number], SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS}, bytes FROM model_snapshots WHERE name = ? AND version = ?`)
      .get(name, version);
    return row && this.snapshotFromRow(row);
  }

  /** The snapshot with its bytes, gathered from its parts (or inline, as rows before migration 9 hold them). */
  private snapshotFromRow(row: SnapshotRow): ModelSnapshotRecord {
    let bytes: Uint8Array;
    if (row.parts === 0) {
      bytes = new Uint8Array(row.bytes!.buffer, row.bytes!.byteOffset, row.bytes!.byteLength);
    } else {
      bytes = new Uint8Array(row.size);
      let at = 0;
      const parts = this.db
        .prepare<[string, number], { bytes: Buffer }>('SELECT bytes FROM model_snapshot_parts WHERE name = ? AND version = ? ORDER BY part')
        .iterate(row.name, row.version);
      for (const part of parts) {
        bytes.set(part.bytes, at);
        at += part.bytes.byteLength;
      }
      if (at !== row.size) throw new Error(`model snapshot ${row.name} v${row.version} holds ${at} of its ${row.size} bytes`);
    }
    return { ...snapshotInfoFromRow(row), bytes };
  }

  async listModelSnapshots(): Promise<ModelSnapshotInfo[]> {
    return this.db
      .prepare<[], SnapshotRow>(
        `SELECT ${SNAPSHOT_COLUMNS} FROM model_snapshots ORDER BY name, version`,
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

  async appendAuditEntry(seal: (previous: AuditAnchor | undefined) => AuditEntry): Promise<AuditEntry> {
    return this.db.transaction((): AuditEntry => {
      const last = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as AuditAnchor | undefined;
      const entry = seal(last);
      this.db
        .prepare('INSERT INTO audit_log (seq, ts, kind, actor, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(entry.seq, entry.ts, entry.kind, entry.actor, entry.subject, JSON.stringify(entry.detail), entry.prevHash, entry.hash);
      this.statements.setMeta.run(AUDIT_ANCHOR_KEY, JSON.stringify({ seq: entry.seq, hash: entry.hash }));
      return entry;
    }).immediate();
  }

  async auditEntries(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return (
      this.db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as AuditRow[]
    ).map(auditFromRow);
  }

  async *scanAuditEntries(batchSize = 10_000): AsyncIterable<AuditEntry[]> {
    yield* this.scanBatches<AuditRow, AuditEntry>('SELECT * FROM audit_log ORDER BY seq', batchSize, auditFromRow, false);
  }

  async auditAnchor(): Promise<AuditAnchor | undefined> {
    const value = this.statements.getMeta.get(AUDIT_ANCHOR_KEY)?.value;
    return value === undefined ? undefined : (JSON.parse(value) as AuditAnchor);
  }

  async servedOfUser(user: string): Promise<ServedItem[]> {
    this.flushServed();
    return this.db
      .prepare<[string], ServedItem>('SELECT user, video, ts FROM served WHERE user = ? ORDER BY rowid')
      .all(user);
  }

  async videosOfCreator(creator: string): Promise<Video[]> {
    return this.db.prepare<[string], VideoRow>('SELECT * FROM videos WHERE creator = ? ORDER BY rowid').all(creator).map(videoFromRow);
  }

  async markProfileReset(user: string): Promise<number | undefined> {
    return this.db.transaction((): number | undefined => {
      const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq;
      const changed = this.db.prepare('UPDATE users SET profile_reset_seq = ?, rev = ? WHERE id = ?').run(seq, this.position.rev + 1, user).changes;
      if (changed === 0) return undefined;
      this.position.rev++;
      return seq;
    })();
  }

  async profileResets(): Promise<Map<string, number>> {
    const rows = this.db
      .prepare<[], { id: string; seq: number }>('SELECT id, profile_reset_seq AS seq FROM users WHERE profile_reset_seq IS NOT NULL')
      .all();
    return new Map(rows.map((row) => [row.id, row.seq]));
  }

  async eraseUser(id: string): Promise<UserErasure> {
    // Served items still waiting for their grouped write would otherwise be written after the erasure.
    this.flushServed();
    const erased = this.db.transaction((): UserErasure => {
      const ownVideos = 'SELECT id FROM videos WHERE creator = ?';
      const events = this.db
        .prepare(`DELETE FROM events WHERE user = ? OR creator = ? OR video IN (${ownVideos})`)
        .run(id, id, id).changes;
      const served = this.db.prepare(`DELETE FROM served WHERE user = ? OR video IN (${ownVideos})`).run(id, id).changes;
      const videos = this.db.prepare('DELETE FROM videos WHERE creator = ?').run(id).changes;
      const users = this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes;
      // The user's keys name them: they go too (and stop working), rather than be kept revoked.
      const apiKeys = this.db.prepare('DELETE FROM api_keys WHERE user = ?').run(id).changes;
      // Positions of the deleted rows are never given again (a snapshot may cover them), and every state snapshot
      // taken before now may hold the user: the epoch tells a restore not to use one.
      this.statements.setMeta.run(LOG_FLOOR_KEY, JSON.stringify(this.position));
      this.statements.setMeta.run(ERASURE_EPOCH_KEY, String(Number(this.statements.getMeta.get(ERASURE_EPOCH_KEY)?.value ?? 0) + 1));
      return { users, events, served, videos, apiKeys };
    }).immediate();
    // secure_delete zeroed the rows in the pages; the checkpoint copies those pages into the file and empties the
    // write-ahead log, which still held the pages as they were before.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return erased;
  }

  async deleteModelSnapshots(name: string, keepVersion?: number): Promise<number> {
    const deleted = this.db.transaction((): number => {
      this.db.prepare('DELETE FROM model_snapshot_parts WHERE name = ? AND version != ?').run(name, keepVersion ?? -1);
      return this.db.prepare('DELETE FROM model_snapshots WHERE name = ? AND version != ?').run(name, keepVersion ?? -1).changes;
    }).immediate();
    // Snapshots are deleted because they hold an erased user's vectors: their pages must leave the WAL too.
    if (deleted > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return deleted;
  }

  async addApiKey(record: ApiKeyRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO api_keys (id, hash, role, user, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(record.id, record.hash, record.role, record.user, record.createdAt, record.revokedAt);
  }

  async apiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.statements.apiKey.get(id);
    return row && apiKeyFromRow(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, rowid').all() as ApiKeyRow[]).map(apiKeyFromRow);
  }

  async revokeApiKey(id: string, at: number): Promise<ApiKeyRecord | undefined> {
    return this.db.transaction((): ApiKeyRecord | undefined => {
      this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
      const row = this.statements.apiKey.get(id);
      return row && apiKeyFromRow(row);
    }).immediate();
  }

  async close(): Promise<void> {
    if (this.servedTimer) clearTimeout(this.servedTimer);
    this.flushServed();
    await this.walSync?.close();
    await this.checkpointer?.stop();
    this.db.close();
  }
}
