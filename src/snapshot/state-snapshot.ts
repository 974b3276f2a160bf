/**
 * A snapshot of the whole online state on disk, tagged with the log position it covers, so that a start loads it and
 * replays only the log after it (restore-state.ts) instead of the whole log.
 *
 * A snapshot is a directory `<store>.snapshots/state-…/` holding `state.bin` (the state codec's skeleton, then every
 * large array's raw bytes, each on an 8-byte boundary), `ann.hnsw` (hnswlib's own file of the vector index) and
 * `manifest.json` (positions, what the state was built with, sizes and SHA-256 of both files). It is written in a
 * hidden temporary directory, fsynced, then renamed into place: a crash mid-write leaves no snapshot, never half of
 * one, and a torn or altered file fails its checksum and is not used.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { AlgorithmConfig } from '../core/algorithm.js';
import type { OnlineState } from '../features/online-state.js';
import type { LogPosition } from '../store/store.js';
import { decodeGraph, encodeGraph } from './state-codec.js';
import { STATE_CLASSES } from './state-classes.js';

const FORMAT = 1;
const ALIGN = 8;
/** Bytes per read and write call: large arrays are hundreds of MB, and one call is limited to 2 GB. */
const IO_CHUNK = 64 * 2 ** 20;
const PREFIX = 'state-';

export interface SnapshotManifest {
  format: number;
  createdAt: number;
  /** The store's positions the state had applied: a restore replays what is after them. */
  position: LogPosition;
  /** Erasures the state had applied: a snapshot older than the store's latest erasure may hold the erased user. */
  erasureEpoch: number;
  /** The algorithm settings the state itself is built with (`stateShapingConfig`). */
  stateConfig: string;
  /** The batch model the state served, reloaded from the store by name and version. */
  batchModel: { name: string; version: number } | null;
  state: { bytes: number; skeletonBytes: number; buffers: Array<{ offset: number; bytes: number }>; sha256: string };
  ann: { bytes: number; sha256: string } | null;
}

export interface WrittenSnapshot {
  path: string;
  manifest: SnapshotManifest;
  /** Milliseconds spent encoding and writing. */
  ms: number;
  /** Older snapshots deleted. */
  pruned: number;
}

/** Where the snapshots of the store at `location` live; undefined for an in-memory store. */
export function snapshotDirOf(location: string): string | undefined {
  return location === ':memory:' ? undefined : `${location}.snapshots`;
}

/**
 * The settings of the algorithm config that shape the state itself (the rest only shape feeds, read per request):
 * a snapshot built with other values is not restored.
 */
export function stateShapingConfig(algorithm: AlgorithmConfig): string {
  return JSON.stringify({
    trendingHalfLifeMs: algorithm.trendingHalfLifeMs,
    trendingWeights: algorithm.trendingWeights,
    freshExposure: algorithm.freshExposure,
    freshWindowMs: algorithm.freshWindowMs,
  });
}

/**
 * Writes a snapshot of `state` into `dir` synchronously — the state must not change meanwhile, which is why the
 * service has a feed worker write it from its own replica (a consistent cut, off the main thread) — and deletes the
 * older ones, keeping `keep` of them besides the new (0 after an erasure: none may survive it).
 */
export function writeStateSnapshot(state: OnlineState, dir: string, keep = 1): WrittenSnapshot {
  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  const createdAt = Date.now();
  const name = `${PREFIX}${String(createdAt).padStart(15, '0')}-${String(state.position.seq).padStart(12, '0')}`;
  const temporary = join(dir, `.tmp-${process.pid}-${threadId}-${createdAt}`);
  mkdirSync(temporary);
  try {
    const graph = encodeGraph(state, STATE_CLASSES);
    const stateFile = writeFile(join(temporary, 'state.bin'), (write) => {
      write(graph.skeleton);
      return graph.buffers.map((buffer) => ({ offset: write(new Uint8Array(buffer)), bytes: buffer.byteLength }));
    });
    let ann: SnapshotManifest['ann'] = null;
    if (state.videoVectors) {
      const path = join(temporary, 'ann.hnsw');
      state.videoVectors.writeIndexFile(path);
      ann = hashFile(path);
    }
    const manifest: SnapshotManifest = {
      format: FORMAT,
      createdAt,
      position: { ...state.position },
      erasureEpoch: state.erasureEpoch,
      stateConfig: stateShapingConfig(state.algorithm),
      batchModel: state.batch ? { name: state.batch.info.name, version: state.batch.info.version } : null,
      state: { bytes: stateFile.bytes, skeletonBytes: graph.skeleton.byteLength, buffers: stateFile.result, sha256: stateFile.sha256 },
      ann,
    };
    writeFileSync(join(temporary, 'manifest.json'), JSON.stringify(manifest, null, 1));
    fsyncPath(join(temporary, 'manifest.json'));
    fsyncPath(temporary);
    const path = join(dir, name);
    renameSync(temporary, path);
    fsyncPath(dir);
    const pruned = pruneSnapshots(dir, keep, name);
    return { path, manifest, ms: performance.now() - started, pruned };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Deletes every snapshot but `newest` and the `keep` newest before it, and any left half-written. */
function pruneSnapshots(dir: string, keep: number, newest: string): number {
  let pruned = 0;
  const kept = new Set(snapshotNames(dir).filter((name) => name !== newest).slice(0, keep));
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.tmp-')) {
      // Left by a process that stopped mid-write; this process's own may be being written by another thread.
      if (!entry.startsWith(`.tmp-${process.pid}-`)) rmSync(join(dir, entry), { recursive: true, force: true });
      continue;
    }
    if (!entry.startsWith(PREFIX) || entry === newest || kept.has(entry)) continue;
    rmSync(join(dir, entry), { recursive: true, force: true });
    pruned++;
  }
  if (pruned > 0) fsyncPath(dir);
  return pruned;
}

/** The snapshots in `dir`, newest first. */
export function snapshotNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith(PREFIX))
    .sort()
    .reverse();
}

export interface LoadedSnapshot {
  state: OnlineState;
  manifest: SnapshotManifest;
  /** The snapshot's vector index file, for VideoVectorIndex.revive. */
  annPath: string | undefined;
  path: string;
}

/**
 * Reads the newest snapshot in `dir` that `accept` takes (it returns why not, or undefined) and whose files match
 * their checksums; undefined when there is none. The state comes back decoded but not yet revived (restore-state.ts
 * reconnects what a snapshot does not hold). `skipped` hears of every snapshot passed over, and why.
 */
export async function readLatestSnapshot(
  dir: string,
  accept: (manifest: SnapshotManifest) => string | undefined,
  skipped: (name: string, reason: string) => void = () => undefined,
): Promise<LoadedSnapshot | undefined> {
  for (const name of snapshotNames(dir)) {
    const path = join(dir, name);
    try {
      const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')) as SnapshotManifest;
      if (manifest.format !== FORMAT) {
        skipped(name, `format ${manifest.format}, this version reads ${FORMAT}`);
        continue;
      }
      const refusal = accept(manifest);
      if (refusal) {
        skipped(name, refusal);
        continue;
      }
      const annPath = manifest.ann ? join(path, 'ann.hnsw') : undefined;
      if (annPath && (await hashFileAsync(annPath)) !== manifest.ann!.sha256) {
        skipped(name, 'its vector index does not match its checksum');
        continue;
      }
      const state = await readStateFile(join(path, 'state.bin'), manifest);
      if (!state) {
        skipped(name, 'its state does not match its checksum');
        continue;
      }
      return { state, manifest, annPath, path };
    } catch (error) {
      skipped(name, (error as Error).message);
    }
  }
  return undefined;
}

/**
 * Reads and checks the state file a chunk at a time, asynchronously: a starting process answers its probes between
 * chunks (a million videos' state is about 1 GB). Decoding it is one synchronous step after.
 */
async function readStateFile(path: string, manifest: SnapshotManifest): Promise<OnlineState | undefined> {
  const file = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    let at = 0;
    const read = async (target: Uint8Array) => {
      for (let done = 0; done < target.byteLength; ) {
        const view = target.subarray(done, Math.min(target.byteLength, done + IO_CHUNK));
        const { bytesRead: got } = await file.read(view, 0, view.byteLength, at);
        if (got <= 0) throw new Error(`state.bin ends at byte ${at}, expected ${manifest.state.bytes}`);
        hash.update(view.subarray(0, got));
        done += got;
        at += got;
      }
    };
    const skipPadding = async (until: number) => {
      if (until > at) await read(new Uint8Array(until - at));
    };
    const skeleton = new Uint8Array(manifest.state.skeletonBytes);
    await read(skeleton);
    const buffers: ArrayBuffer[] = [];
    for (const { offset, bytes } of manifest.state.buffers) {
      await skipPadding(offset);
      const buffer = new ArrayBuffer(bytes);
      await read(new Uint8Array(buffer));
      buffers.push(buffer);
    }
    await skipPadding(manifest.state.bytes);
    if (hash.digest('hex') !== manifest.state.sha256) return undefined;
    return decodeGraph(skeleton, buffers, STATE_CLASSES) as OnlineState;
  } finally {
    await file.close();
  }
}

async function hashFileAsync(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const chunk = new Uint8Array(IO_CHUNK);
    for (let at = 0; ; ) {
      const { bytesRead } = await file.read(chunk, 0, chunk.byteLength, at);
      if (bytesRead <= 0) break;
      hash.update(chunk.subarray(0, bytesRead));
      at += bytesRead;
    }
    return hash.digest('hex');
  } finally {
    await file.close();
  }
}

/** Writes a file through `fill` (given a write function returning each part's offset), fsynced; its size and SHA-256. */
function writeFile<T>(path: string, fill: (write: (bytes: Uint8Array) => number) => T): { result: T; bytes: number; sha256: string } {
  const fd = openSync(path, 'w');
  const hash = createHash('sha256');
  let at = 0;
  const raw = (bytes: Uint8Array) => {
    for (let done = 0; done < bytes.byteLength; ) {
      const view = bytes.subarray(done, Math.min(bytes.byteLength, done + IO_CHUNK));
      const wrote = writeSync(fd, view, 0, view.byteLength, at);
      hash.update(view.subarray(0, wrote));
      done += wrote;
      at += wrote;
    }
  };
  try {
    const result = fill((bytes) => {
      const padding = (ALIGN - (at % ALIGN)) % ALIGN;
      if (padding > 0) raw(new Uint8Array(padding));
      const offset = at;
      raw(bytes);
      return offset;
    });
    const padding = (ALIGN - (at % ALIGN)) % ALIGN;
    if (padding > 0) raw(new Uint8Array(padding));
    fsyncSync(fd);
    return { result, bytes: at, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

function hashFile(path: string): { bytes: number; sha256: string } {
  const fd = openSync(path, 'r');
  try {
    const hash = createHash('sha256');
    const chunk = new Uint8Array(IO_CHUNK);
    let bytes = 0;
    for (let got = readSync(fd, chunk); got > 0; got = readSync(fd, chunk)) {
      hash.update(chunk.subarray(0, got));
      bytes += got;
    }
    fsyncSync(fd);
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
