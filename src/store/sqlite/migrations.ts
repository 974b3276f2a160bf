/**
 * Schema migrations, applied in order; `schema_version` records each one so a file is upgraded exactly once.
 * Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE videos (
    id TEXT PRIMARY KEY,
    creator TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    caption TEXT NOT NULL,
    hashtags TEXT NOT NULL,          -- JSON array
    sound TEXT,
    language TEXT NOT NULL,
    region TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL
  );
  CREATE INDEX videos_creator ON videos(creator);
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    interests TEXT NOT NULL,         -- JSON array
    settings TEXT NOT NULL           -- JSON object
  );
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user TEXT NOT NULL,
    video TEXT,
    creator TEXT,
    type TEXT NOT NULL,
    ts INTEGER NOT NULL,
    watch_ms INTEGER
  );
  CREATE INDEX events_user_ts ON events(user, ts);
  CREATE TABLE served (
    user TEXT NOT NULL,
    video TEXT NOT NULL,
    ts INTEGER NOT NULL
  );
  CREATE INDEX served_user ON served(user);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,  // 2: versioned snapshots of fitted batch models (`foryou train`).
  `
  CREATE TABLE model_snapshots (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    meta TEXT NOT NULL,              -- JSON object
    bytes BLOB NOT NULL,
    PRIMARY KEY (name, version)
  );
  `,
  // 3: the algorithm config, one row per version; a change is a new row, never an update.
  `
  CREATE TABLE algorithm_versions (
    version INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL,
    config TEXT NOT NULL             -- JSON object
  );
  `,
  // 4: safety rules. NULL / 'all' are the defaults, so rows stored before read back unchanged.
  `
  ALTER TABLE videos ADD COLUMN audience TEXT NOT NULL DEFAULT 'all';
  ALTER TABLE videos ADD COLUMN blocked_regions TEXT;  -- JSON array, NULL = no restriction
  ALTER TABLE users ADD COLUMN blocked TEXT;           -- JSON {creators, sounds}, NULL = nothing blocked
  `,
  // 5: the hash-chained audit log. Append-only: the code has no UPDATE or DELETE of it (see src/core/audit-chain.ts).
  `
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,            -- JSON object
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  `,
  // 6: API keys, stored as SHA-256 hashes only; a revoked key keeps its row (revoked_at) so lists stay complete.
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,              -- hex SHA-256 of the whole key
    role TEXT NOT NULL,              -- admin | service | auditor | user
    user TEXT,                       -- the user a user key belongs to; NULL for other roles
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  `,
  // 7: media of a video (uploads, demo clips, operators' CDN URLs), and when a user last reset their recommendations
  // profile: the log position before which their events no longer shape it. NULL = none, the defaults.
  `
  ALTER TABLE videos ADD COLUMN media_url TEXT;
  ALTER TABLE videos ADD COLUMN thumbnail_url TEXT;
  ALTER TABLE users ADD COLUMN profile_reset_seq INTEGER;
  `,
  // 8: an event id is the idempotency key of its user's events, not of everyone's: with one namespace, any user could
  // send an event under another's next id and have the real one dropped as a duplicate. SQLite cannot change a
  // constraint in place: the table is rebuilt, positions (seq) kept.
  `
  CREATE TABLE events_by_user_id (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    user TEXT NOT NULL,
    video TEXT,
    creator TEXT,
    type TEXT NOT NULL,
    ts INTEGER NOT NULL,
    watch_ms INTEGER,
    UNIQUE (user, id)
  );
  INSERT INTO events_by_user_id SELECT seq, id, user, video, creator, type, ts, watch_ms FROM events ORDER BY seq;
  DROP TABLE events;
  ALTER TABLE events_by_user_id RENAME TO events;
  CREATE INDEX events_user_ts ON events(user, ts);
  `,
  // 9: a snapshot's bytes in parts of at most a few MB. Bound as one value, a blob is copied whole by SQLite before
  // it is written: at a million videos the ranker's 140 MB and the vector index's 170 MB, every five minutes, on
  // top of the buffers that held them. Rows of older versions keep their bytes inline (parts = 0).
  `
  CREATE TABLE model_snapshot_parts (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    part INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (name, version, part)
  );
  ALTER TABLE model_snapshots ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE model_snapshots ADD COLUMN size INTEGER;
  `,
  // 10: every put of a video or user (and a profile reset) takes the next revision, so a replica restoring a state
  // snapshot re-reads only the rows changed after the revision the snapshot covers (state-snapshot.ts).
  `
  ALTER TABLE videos ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX videos_rev ON videos(rev);
  CREATE INDEX users_rev ON users(rev);
  `,
  // 11: served items take their positions from the events' sequence, so that one ordered log holds both and a replay
  // applies them in the order the service did. Those served before keep their order, after every event (as a rebuild
  // applied them); negated first, so that no renumbered row meets one not yet moved.
  `
  UPDATE served SET rowid = -rowid;
  UPDATE served SET rowid = -rowid + (SELECT coalesce(max(seq), 0) FROM events);
  `,
];
