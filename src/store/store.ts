/**
 * The one storage interface. Asynchronous so that a networked implementation (PostgreSQL) fits behind it unchanged;
 * it knows no algorithm: it keeps records durably and hands them back.
 */
import type { AuditEntry } from '../core/audit-chain.js';
import type { AcceptedEvent, EventType, User, Video } from '../core/schemas.js';

export interface StoredEvent extends AcceptedEvent {
  /** Position in the event log: the order in which events were accepted. */
  seq: number;
}

/** One event as a batch fit reads it (Store.scanEngagement). */
export type EngagementRow = [seq: number, user: string, video: string | null, type: EventType, watchMs: number | null, durationMs: number | null];

/** A video put in a user's feed page; the seen filter must not serve it to them again. */
export interface ServedItem {
  user: string;
  video: string;
  ts: number;
  /** Its position among served items, given by `recordServed` (and read back by the scans). */
  seq?: number;
}

/**
 * How far the store's log reaches: the last position given to an event or a served item (one sequence for both, so the
 * log orders them as the service applied them), and the last revision given to a put of a video or user. A state
 * snapshot records the position it covers, and a restore reads only what is after. Positions only grow, even past an
 * erasure that deleted the newest rows: none is ever given twice.
 */
export interface LogPosition {
  seq: number;
  rev: number;
}

/** One entry of the ordered log: an event or a served item. */
export type LogEntry = { event: StoredEvent } | { served: ServedItem & { seq: number } };

export interface AppendResult {
  /** How many events were added: re-sent ids (already stored, or repeated in the batch) are not. */
  added: number;
  /** The events actually added, with their log position; empty when the caller asked only for counts. */
  inserted: StoredEvent[];
  duplicates: number;
  /** The revision given to the last implicit user created (0 when none was). */
  rev: number;
}

/** A fitted batch model saved by `foryou train`: versions count up from 1 per name. */
export interface ModelSnapshotInfo {
  name: string;
  version: number;
  createdAt: number;
  /** What the trainer recorded: model kind, parameters, data counts, item ids… */
  meta: Record<string, unknown>;
  sizeBytes: number;
}

export interface ModelSnapshotRecord extends ModelSnapshotInfo {
  bytes: Uint8Array;
}

/** One version of the algorithm config, as stored: the store keeps the content opaque. */
export interface AlgorithmVersionRecord {
  version: number;
  createdAt: number;
  author: string;
  note: string;
  config: Record<string, unknown>;
}

/** An API key as stored: its hash only, never the key. Roles are checked by the API, not the store. */
export interface ApiKeyRecord {
  id: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  role: string;
  /** The user a `user` key belongs to; null for other roles. */
  user: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/** What erasing a user removed from the store. */
export interface UserErasure {
  /** 1 when the user had a profile row. */
  users: number;
  /** Events the user made, events naming them as a creator (others' follows), events on their videos. */
  events: number;
  served: number;
  /** Videos the user uploaded: erased with the account. */
  videos: number;
  /** The user's API keys. */
  apiKeys: number;
}

/** The audit log's last entry as recorded beside it at every append: catches a removed tail. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface Store {
  readonly kind: string;
  /** Inserts or replaces videos, all or none; returns the revision given to the last. */
  putVideos(videos: Video[]): Promise<number>;
  getVideo(id: string): Promise<Video | undefined>;
  /** Inserts or replaces users, all or none; returns the revision given to the last. */
  putUsers(users: User[]): Promise<number>;
  getUser(id: string): Promise<User | undefined>;
  /**
   * Appends events atomically and durably: when the promise resolves every new event is on disk; when it rejects
   * none was written. Ids already stored are skipped (idempotent re-sends). Users named by events but not stored
   * yet are created from `implicitUsers` in the same transaction.
   */
  appendEvents(events: AcceptedEvent[], implicitUsers: User[], options?: { countOnly?: boolean }): Promise<AppendResult>;
  /**
   * Runs a bulk load of events: the store may defer secondary index maintenance until `work` ends (rebuilding it
   * once is far cheaper than updating it per row). Atomicity and durability of each batch are unchanged.
   */
  bulkLoad<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Records served feed items, giving each its position (`seq`). May be written behind (grouped), as losing one only
   * risks a repeat.
   */
  recordServed(items: ServedItem[]): Promise<void>;
  /** Writes now what is written behind (served items): a snapshot must not hold what the store could still lose. */
  flushWrites(): Promise<void>;
  /** Where the logs reach now. */
  logPosition(): Promise<LogPosition>;
  /**
   * Hands every event appended (once committed) and every served item recorded to `listener`, synchronously as they
   * get their positions, so it sees the log in position order. One listener: the serving state's (log-applier.ts).
   * Bulk appends (`countOnly`) are not handed over.
   */
  subscribeLog(listener: (entries: LogEntry[]) => void): void;
  /** Positions given from now on are above `floor` (a restored snapshot covered up to it); kept across restarts. */
  raiseLogPosition(floor: LogPosition): Promise<void>;
  /** Events and served items after position `seq`, in log order (what a replay applies). */
  scanLogAfter(seq: number, batchSize?: number): AsyncIterable<LogEntry[]>;
  /** Videos put after revision `rev`, with the revision of each, in revision order. */
  videosChangedAfter(rev: number): Promise<Array<{ video: Video; rev: number }>>;
  /** Users put (or reset) after revision `rev`, with the revision of each, in revision order. */
  usersChangedAfter(rev: number): Promise<Array<{ user: User; rev: number }>>;
  /** How many erasures the store has seen: a state snapshot taken before the latest may hold the erased user. */
  erasureEpoch(): Promise<number>;
  scanVideos(batchSize?: number): AsyncIterable<Video[]>;
  scanUsers(batchSize?: number): AsyncIterable<User[]>;
  /** Every video's id and creator only: what checking events needs, without the cost of whole records. */
  scanVideoCreators(batchSize?: number): AsyncIterable<Array<[id: string, creator: string]>>;
  /** Every user id only. */
  scanUserIds(batchSize?: number): AsyncIterable<string[]>;
  /** Every stored event in log order. */
  scanEvents(batchSize?: number): AsyncIterable<StoredEvent[]>;
  /**
   * The events of the given types in log order, each with its video's duration (null when the video is not stored
   * or the event names none): what a batch fit reads, without an object per event nor a map of every video's
   * duration beside it.
   */
  scanEngagement(types: readonly EventType[], batchSize?: number): AsyncIterable<EngagementRow[]>;
  /** Events stored, and the log position of the newest (0 when none). */
  eventLogExtent(): Promise<{ events: number; lastSeq: number }>;
  scanServed(batchSize?: number): AsyncIterable<ServedItem[]>;
  eventsOfUser(user: string, limit: number): Promise<StoredEvent[]>;
  /**
   * The user's events oldest first (by time, then log position), `limit` at a time from just after `after` (the last
   * event of the previous page; undefined: from the start): an export pages through millions without holding them.
   */
  eventsOfUserPage(user: string, after: { ts: number; seq: number } | undefined, limit: number): Promise<StoredEvent[]>;
  counts(): Promise<{ videos: number; users: number; events: number; served: number }>;
  getMeta(key: string): Promise<string | undefined>;
  /**
   * Stores a new version of the named model snapshot and returns its version number (1, 2, …). The bytes may come as
   * chunks (written in parts of a few MB, so that no copy of the whole is made): each chunk is written before the
   * next is asked for, so a producer may refill one buffer, but all must be given synchronously.
   */
  saveModelSnapshot(name: string, bytes: Uint8Array | Iterable<Uint8Array>, meta: Record<string, unknown>): Promise<number>;
  /** The highest version of the named snapshot, or undefined when none was saved. */
  latestModelSnapshot(name: string): Promise<ModelSnapshotRecord | undefined>;
  modelSnapshot(name: string, version: number): Promise<ModelSnapshotRecord | undefined>;
  /** Every saved snapshot (without the bytes), by name then version. */
  listModelSnapshots(): Promise<ModelSnapshotInfo[]>;
  setMeta(key: string, value: string): Promise<void>;
  /** Appends the next algorithm version (1, 2, …); existing versions are never changed. */
  addAlgorithmVersion(config: Record<string, unknown>, author: string, note: string): Promise<AlgorithmVersionRecord>;
  /** The highest version, or undefined before the first. */
  latestAlgorithmVersion(): Promise<AlgorithmVersionRecord | undefined>;
  algorithmVersion(version: number): Promise<AlgorithmVersionRecord | undefined>;
  /** Every version, oldest first. */
  listAlgorithmVersions(): Promise<AlgorithmVersionRecord[]>;
  /**
   * Appends one audit entry atomically: `seal` gets the current last entry (undefined when empty) and returns the
   * next, hashed; the anchor is updated in the same transaction. There is no way to change or remove an entry.
   */
  appendAuditEntry(seal: (previous: AuditAnchor | undefined) => AuditEntry): Promise<AuditEntry>;
  /** Up to `limit` entries with seq > `afterSeq`, in order. */
  auditEntries(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Every entry in stored (seq) order. */
  scanAuditEntries(batchSize?: number): AsyncIterable<AuditEntry[]>;
  auditAnchor(): Promise<AuditAnchor | undefined>;
  /** Feed items served to the user, oldest first. */
  servedOfUser(user: string): Promise<ServedItem[]>;
  videosOfCreator(creator: string): Promise<Video[]>;
  /**
   * Records that the user reset their recommendations profile now: their events up to the latest in the log no longer
   * shape it. Returns that log position, or undefined when the user has no stored profile. Follows, blocks and the
   * events themselves stay.
   */
  markProfileReset(user: string): Promise<number | undefined>;
  /** Every user's latest profile reset: user → the log position it covers. */
  profileResets(): Promise<Map<string, number>>;
  /**
   * Erases a user and what only they produced, in one transaction: their profile, their events, events naming them
   * as a creator, their uploads and every event and served item about those. The deleted bytes must not linger in
   * the store's files either (free pages, write-ahead log).
   */
  eraseUser(id: string): Promise<UserErasure>;
  /** Removes every version of the named snapshot except `keepVersion` (if given); returns how many went. */
  deleteModelSnapshots(name: string, keepVersion?: number): Promise<number>;
  /** Stores a new API key; its id must be new. */
  addApiKey(record: ApiKeyRecord): Promise<void>;
  apiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked at `at` (a key already revoked keeps its first time); undefined when there is no such key. */
  revokeApiKey(id: string, at: number): Promise<ApiKeyRecord | undefined>;
  close(): Promise<void>;
}
