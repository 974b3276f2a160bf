/**
 * Approximate nearest-neighbour index (hnswlib HNSW, inner product) over the online ranker's item vectors
 * v + c + s + mean(h), keyed by catalogue index, so the embedding source finds the videos whose interaction with a
 * user's query is largest without scoring the whole catalogue.
 *
 * Kept current incrementally: a live video is added when it is put, a removed or pending one leaves at once, and
 * videos whose vectors moved through learning are marked dirty and updated in place in bounded batches (`refreshPerFlush`
 * every `flushEveryEvents` learned events), plus a slow sweep over the catalogue for the drift that creator and
 * hashtag updates cause in videos nobody engaged with. Never a full rebuild per event. Snapshotted next to the
 * ranker and restored at start; rebuilt from the ranker when the snapshot is missing or stale.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { MultiTaskRanker } from '../models/online/multi-task-ranker.js';
import type { Store } from '../store/store.js';
import { grownUint8 } from './growable.js';
import type { VideoCatalog } from './video-catalog.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export const VIDEO_VECTOR_SNAPSHOT_NAME = 'video-vector-index';
/** 2: hnswlib's file format (1 was usearch's). */
const SNAPSHOT_FORMAT = 2;
/** M of the sphere transform is this many times the largest norm when (re)built. */
const SCALE_HEADROOM = 2;
/** Largest index rebuilt at once when a vector outgrows M (a fraction of a second of inserts). */
const REBUILD_WHEN_OUTGROWN_UP_TO = 5_000;
/** hnswlib preallocates: capacity grows by doubling, from this. */
const INITIAL_CAPACITY = 1024;

export interface VideoVectorIndexOptions {
  /** HNSW graph degree: more links, better recall, more memory. */
  connectivity: number;
  /** Candidate list while inserting: a better graph for slower inserts. */
  expansionAdd: number;
  /** Candidate list while searching (raised to the number of results wanted). */
  expansionSearch: number;
  /** Learned events between two refreshes of dirty vectors. */
  flushEveryEvents: number;
  /** Dirty vectors re-inserted per refresh: bounds the work any one event can cause. */
  refreshPerFlush: number;
  /** Videos re-read per refresh in catalogue order, catching drift through shared creator and hashtag vectors. */
  sweepPerFlush: number;
  /** Newest videos of the creator marked dirty with each learned event (they share the creator's vector). */
  creatorSiblings: number;
}

/**
 * Learned item vectors are close to an isotropic 16-d cloud, the hard case for graph search by inner product:
 * recall@100 against exact search climbs slowly with effort. What matters is what the misses cost the user, which
 * the simulator's hidden ground truth measures (the bench's annTop100TrueWatchRatio). At 100k videos and 500k
 * learned events the exact top 100 is worth a true watch ratio of 0.737; the index's top 100:
 *   connectivity 16, expansion add 128: 0.664 / 0.679 / 0.692 / 0.718 at search expansion 128 / 256 / 512 / 1024;
 *   connectivity 32, expansion add 256: 0.707 / 0.721 / 0.737 / 0.735 at 128 / 256 / 512 / 1024.
 * The denser graph is worth more at any search cost (32 at 128 beats 16 at 1024 per query time), so: 32 / 256,
 * searching at 128, which hnswlib raises to the number of results asked (the embedding source asks for twice its
 * budget of 100). Whole feeds served in-process were as good at expansion 128 as at 1024 (true watch ratio 0.90
 * against 0.89): the ranker re-scores what the sources propose. bench/results/ann.md has the tables.
 */
export const DEFAULT_VIDEO_VECTOR_INDEX_OPTIONS: VideoVectorIndexOptions = {
  connectivity: 32,
  expansionAdd: 256,
  expansionSearch: 128,
  flushEveryEvents: 256,
  refreshPerFlush: 16,
  sweepPerFlush: 4,
  creatorSiblings: 16,
};

interface SnapshotMeta {
  format: number;
  /** Event-log position the ranker had learned up to when the vectors were read. */
  seq: number;
  dim: number;
  connectivity: number;
  /** Catalogue size when saved, and a hash of those ids in catalogue order: keys stay valid only if they match. */
  count: number;
  catalogHash: number;
  indexBytes: number;
  dirtyCount: number;
  /** M of the sphere transform the stored vectors were divided by. */
  scale: number;
}

export class VideoVectorIndex {
  private index: Hnsw;
  /** Vectors in the index (hnswlib counts deleted ones too). */
  private count = 0;
  /** 1 when the video's vector is in the index. */
  private indexed = new Uint8Array(0);
  /**
   * 1 when the video's label has a slot in hnswlib (added once, even if deleted since): updating it takes no room.
   * After a restore only the indexed ones are known, so a deleted one may be counted as new: room to spare, never
   * too little.
   */
  private hasSlot = new Uint8Array(0);
  /** Dirty videos: a flag per video and a FIFO ring of their indexes (each at most once). */
  private dirtyFlag = new Uint8Array(0);
  private dirtyRing = new Int32Array(1024);
  private dirtyHead = 0;
  private dirtyCount = 0;
  private eventsSinceFlush = 0;
  private sweepCursor = 0;
  /**
   * While the state is rebuilt from the store the ranker is not final yet: puts and learning only mark, and
   * `attach` builds or restores once. `markAfterSeq`: replayed events up to it are already in the restored vectors.
   */
  private deferred = false;
  private markAfterSeq = -1;
  private restored = false;
  private readonly dim: number;
  /** Stored vectors have one coordinate more: see `toSphere`. */
  private readonly indexDim: number;
  /** M of the sphere transform: at least every indexed vector's norm, with headroom; 0 until the first vector. */
  private scale = 0;
  /** Set when a vector outgrew `scale`: see `rebuildIfOutgrown`. */
  private outgrown = false;
  /** hnswlib takes plain arrays: one point and one query, reused by every call. */
  private readonly point: number[];
  private readonly queryScratch: number[];
  private readonly one: Float32Array;
  /** The last search's results, best first: catalogue indexes and inner products. */
  resultVidx = new Int32Array(256);
  resultScore = new Float32Array(256);

  constructor(
    private readonly catalog: VideoCatalog,
    /** The ranker is replaced when a snapshot is resumed, so it is read through this function. */
    private readonly ranker: () => MultiTaskRanker,
    readonly options: VideoVectorIndexOptions = DEFAULT_VIDEO_VECTOR_INDEX_OPTIONS,
  ) {
    this.dim = ranker().dim;
    this.indexDim = this.dim + 1;
    this.one = new Float32Array(this.indexDim);
    this.point = new Array<number>(this.indexDim).fill(0);
    this.queryScratch = new Array<number>(this.indexDim).fill(0);
    this.index = this.newIndex(INITIAL_CAPACITY);
  }

  /** Vectors in the index. */
  get size(): number {
    return this.count;
  }

  /** Videos waiting for their vector to be re-inserted. */
  get pending(): number {
    return this.dirtyCount;
  }

  /** Whether `attach` continued from a stored snapshot rather than building from the ranker. */
  get restoredFromSnapshot(): boolean {
    return this.restored;
  }

  has(vidx: number): boolean {
    return this.indexed[vidx] === 1;
  }

  /** Rebuild mode: from now until `attach`, puts and learning are only recorded. */
  defer(): void {
    this.deferred = true;
  }

  /** A video was put: live ones enter (or move in) the index at once, others leave it. */
  videoPut(vidx: number): void {
    this.ensure(vidx + 1);
    if (this.deferred) return;
    this.refreshOne(vidx);
  }

  /**
   * An event on this video was applied; `moved` when the ranker learned from it (the video's vectors changed).
   * Re-inserts happen in batches every `flushEveryEvents` learned events. While replaying after a restored
   * snapshot, every event after the snapshot's log position (`seq`) counts, learned now or before the ranker's own
   * snapshot.
   */
  learned(vidx: number, seq: number | undefined, moved: boolean): void {
    this.ensure(vidx + 1);
    if (this.deferred) {
      if (seq === undefined || seq > this.markAfterSeq) this.markMoved(vidx);
      return;
    }
    if (!moved) return;
    this.markMoved(vidx);
    if (++this.eventsSinceFlush >= this.options.flushEveryEvents) this.flush(this.options.refreshPerFlush);
  }

  /**
   * Updates up to `limit` dirty vectors (oldest first) and sweeps `sweepPerFlush` more in catalogue order.
   * Returns how many videos were looked at.
   */
  flush(limit: number): number {
    this.eventsSinceFlush = 0;
    const take = Math.min(limit, this.dirtyCount);
    const sweep = Math.min(this.options.sweepPerFlush, this.catalog.size);
    const batch = this.batch(take + sweep);
    let n = 0;
    // Flag 2 marks "in this batch", so the sweep does not take a video twice.
    for (let i = 0; i < take; i++) {
      const vidx = this.dirtyRing[this.dirtyHead]!;
      this.dirtyHead = (this.dirtyHead + 1) % this.dirtyRing.length;
      this.dirtyCount--;
      this.dirtyFlag[vidx] = 2;
      batch[n++] = vidx;
    }
    for (let i = 0; i < sweep; i++) {
      if (this.sweepCursor >= this.catalog.size) this.sweepCursor = 0;
      const vidx = this.sweepCursor++;
      if (this.dirtyFlag[vidx] === 0) batch[n++] = vidx;
    }
    for (let i = 0; i < take; i++) this.dirtyFlag[batch[i]!] = 0;
    this.reinsert(batch, n);
    return n;
  }

  /** Re-inserts every dirty vector at once. */
  flushAll(): void {
    while (this.dirtyCount > 0) this.flush(65_536);
  }

  /**
   * Finds up to `wanted` videos with the largest inner product with `query` (length dim); writes them to
   * `resultVidx` / `resultScore`, best first, and returns how many. Single-threaded: requests run concurrently.
   */
  search(query: Float32Array, wanted: number): number {
    const size = this.count;
    if (size === 0 || wanted <= 0) return 0;
    let norm = 0;
    for (let j = 0; j < this.dim; j++) norm += query[j]! * query[j]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    const scratch = this.queryScratch;
    for (let j = 0; j < this.dim; j++) scratch[j] = query[j]! / norm;
    scratch[this.dim] = 0;
    const matches = this.index.searchKnn(scratch, Math.min(wanted, size));
    // Stored x′ = [x / M, …], query q′ = [q / |q|, 0]: q · x = (q′ · x′) × M × |q|, and the distance is 1 − q′ · x′.
    const toInnerProduct = this.scale * norm;
    const count = matches.neighbors.length;
    if (this.resultVidx.length < count) {
      this.resultVidx = new Int32Array(count * 2);
      this.resultScore = new Float32Array(count * 2);
    }
    let n = 0;
    for (let i = 0; i < count; i++) {
      const vidx = matches.neighbors[i]!;
      // Deleted labels are never returned; stay defensive about any that is not flagged as indexed.
      if (this.indexed[vidx] !== 1) continue;
      this.resultVidx[n] = vidx;
      this.resultScore[n] = (1 - matches.distances[i]!) * toInnerProduct;
      n++;
    }
    return n;
  }

  /**
   * Every live video's item vector as the ranker has it now, in catalogue order, with the catalogue indexes:
   * what an exact search compares against.
   */
  currentVectors(): { vidx: Int32Array; vectors: Float32Array } {
    const live: number[] = [];
    for (let vidx = 0; vidx < this.catalog.size; vidx++) if (this.indexed[vidx] === 1) live.push(vidx);
    const vectors = new Float32Array(live.length * this.dim);
    live.forEach((vidx, i) => this.itemVector(vidx, vectors, i * this.dim));
    return { vidx: Int32Array.from(live), vectors };
  }

  /**
   * Ends rebuild mode: continues the restored snapshot (re-inserting the videos it lacks or has stale), or builds
   * the whole index from the ranker when there was no usable snapshot.
   */
  attach(): void {
    if (!this.deferred) return;
    this.deferred = false;
    const size = this.catalog.size;
    this.ensure(size);
    if (!this.restored) {
      this.buildAll();
      return;
    }
    // Taken down since the snapshot: out. (Videos new since it, or moved by replayed events, are marked already;
    // live ones the snapshot lacked stay out until learning or the sweep reaches them, as they would have.)
    for (let vidx = 0; vidx < size; vidx++) {
      if (this.indexed[vidx] === 1 && this.catalog.live[vidx] !== 1) this.markDirty(vidx);
    }
    this.flushAll();
  }

  /** Size of the index as hnswlib saves it: its graph and vectors, about what it holds in memory. */
  savedSizeBytes(): number {
    const dir = mkdtempSync(join(tmpdir(), 'foryou-ann-'));
    try {
      const path = join(dir, 'index.hnsw');
      this.index.writeIndexSync(path);
      return statSync(path).size;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Saves the index with the log position of the ranker it was read from. Returns the snapshot version. */
  async save(store: Store, seq: number): Promise<number> {
    const dir = mkdtempSync(join(tmpdir(), 'foryou-ann-'));
    try {
      const path = join(dir, 'index.hnsw');
      this.index.writeIndexSync(path);
      const fileBytes = statSync(path).size;
      const count = this.catalog.size;
      const dirty = new Int32Array(this.dirtyCount);
      for (let i = 0; i < this.dirtyCount; i++) dirty[i] = this.dirtyRing[(this.dirtyHead + i) % this.dirtyRing.length]!;
      // Layout: hnswlib file, then the `indexed` flags of `count` videos, then the dirty list (4-byte aligned).
      const flagsBytes = align4(count);
      // Read straight into the snapshot buffer: at a million videos the file is hundreds of MB, one copy is enough.
      const bytes = new Uint8Array(fileBytes + flagsBytes + dirty.byteLength);
      const fd = openSync(path, 'r');
      try {
        for (let read = 0; read < fileBytes; ) read += readSync(fd, bytes, read, fileBytes - read, read);
      } finally {
        closeSync(fd);
      }
      bytes.set(this.indexed.subarray(0, count), fileBytes);
      bytes.set(new Uint8Array(dirty.buffer), fileBytes + flagsBytes);
      const meta: SnapshotMeta = {
        format: SNAPSHOT_FORMAT,
        seq,
        dim: this.dim,
        connectivity: this.options.connectivity,
        count,
        catalogHash: catalogHash(this.catalog, count),
        indexBytes: fileBytes,
        dirtyCount: dirty.length,
        scale: this.scale,
      };
      return await store.saveModelSnapshot(VIDEO_VECTOR_SNAPSHOT_NAME, bytes, { ...meta });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Loads the latest snapshot if it is usable with the ranker just restored (resumed at `rankerSeq`): same shape,
   * same catalogue keys, and not ahead of the ranker. Call in rebuild mode, before the events are replayed, so that
   * videos of events after the snapshot are marked. Returns whether it was loaded.
   */
  async restore(store: Store, rankerSeq: number | undefined): Promise<boolean> {
    if (rankerSeq === undefined) return false;
    const snapshot = await store.latestModelSnapshot(VIDEO_VECTOR_SNAPSHOT_NAME);
    if (!snapshot) return false;
    const meta = snapshot.meta as Partial<SnapshotMeta>;
    const usable =
      meta.format === SNAPSHOT_FORMAT &&
      meta.dim === this.dim &&
      meta.connectivity === this.options.connectivity &&
      typeof meta.seq === 'number' &&
      meta.seq <= rankerSeq &&
      typeof meta.count === 'number' &&
      meta.count <= this.catalog.size &&
      typeof meta.indexBytes === 'number' &&
      typeof meta.dirtyCount === 'number' &&
      typeof meta.scale === 'number' &&
      snapshot.bytes.byteLength === meta.indexBytes + align4(meta.count) + meta.dirtyCount * 4 &&
      meta.catalogHash === catalogHash(this.catalog, meta.count);
    if (!usable) return false;
    const dir = mkdtempSync(join(tmpdir(), 'foryou-ann-'));
    try {
      const path = join(dir, 'index.hnsw');
      writeFileSync(path, snapshot.bytes.subarray(0, meta.indexBytes!));
      const index = new HierarchicalNSW('ip', this.indexDim);
      index.readIndexSync(path);
      index.setEf(this.options.expansionSearch);
      this.index = index;
    } catch {
      return false;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const count = meta.count!;
    this.ensure(this.catalog.size);
    this.indexed.fill(0);
    this.indexed.set(snapshot.bytes.subarray(meta.indexBytes!, meta.indexBytes! + count));
    this.hasSlot.fill(0);
    this.hasSlot.set(this.indexed.subarray(0, count));
    this.count = 0;
    for (let vidx = 0; vidx < count; vidx++) this.count += this.indexed[vidx]!;
    const dirtyStart = meta.indexBytes! + align4(count);
    const dirty = new Int32Array(snapshot.bytes.slice(dirtyStart, dirtyStart + meta.dirtyCount! * 4).buffer);
    for (const vidx of dirty) this.markDirty(vidx);
    // Videos put after the snapshot are new to it.
    for (let vidx = count; vidx < this.catalog.size; vidx++) this.markDirty(vidx);
    this.markAfterSeq = meta.seq!;
    this.scale = meta.scale!;
    this.restored = true;
    return true;
  }

  private newIndex(capacity: number): Hnsw {
    const index = new HierarchicalNSW('ip', this.indexDim);
    index.initIndex({ maxElements: capacity, m: this.options.connectivity, efConstruction: this.options.expansionAdd, randomSeed: 42 });
    index.setEf(this.options.expansionSearch);
    return index;
  }

  /** Room for `n` more vectors: hnswlib refuses inserts past its capacity, so it doubles ahead of them. */
  private reserve(n: number): void {
    if (n === 0) return;
    const needed = this.index.getCurrentCount() + n;
    const capacity = this.index.getMaxElements();
    if (needed > capacity) this.index.resizeIndex(Math.max(needed, capacity * 2));
  }

  /** Builds a new index from the ranker: of every live video, or with `sameMembers` of those indexed now. */
  private buildAll(sameMembers = false): void {
    const size = this.catalog.size;
    const members = sameMembers ? Uint8Array.from(this.indexed.subarray(0, size)) : undefined;
    // M from the largest vector now, with room for growth through learning, so rebuilds stay rare.
    let largest = 0;
    for (let vidx = 0; vidx < size; vidx++) {
      if (members && members[vidx] !== 1) continue;
      if (this.catalog.live[vidx] !== 1 || !this.itemVector(vidx, this.one, 0)) continue;
      let squared = 0;
      for (let j = 0; j < this.dim; j++) squared += this.one[j]! * this.one[j]!;
      if (squared > largest) largest = squared;
    }
    this.scale = Math.sqrt(largest) * SCALE_HEADROOM;
    this.outgrown = false;
    let memberCount = 0;
    for (let vidx = 0; vidx < size; vidx++) if (!members || members[vidx] === 1) memberCount++;
    this.index = this.newIndex(Math.max(INITIAL_CAPACITY, memberCount));
    this.count = 0;
    this.indexed.fill(0);
    this.hasSlot.fill(0);
    if (!members) {
      // Every vector is read now: nothing stays dirty. A rebuild of the same members keeps the backlog.
      this.dirtyFlag.fill(0);
      this.dirtyCount = 0;
      this.dirtyHead = 0;
    }
    // The index was sized for every member: no `reserve` here, which on the last chunk of a batched build doubled
    // the capacity (at 1M videos, room for 2M, whose per-slot locks and link lists hnswlib allocates at once).
    for (let vidx = 0; vidx < size; vidx++) if (!members || members[vidx] === 1) this.put(vidx);
  }

  /**
   * Re-reads the vectors of `vidxs[0..n)` from the ranker: live videos with a vector are added or updated in place
   * (hnswlib re-links an updated point), the others leave the index.
   */
  private reinsert(vidxs: Int32Array, n: number): void {
    if (n === 0) return;
    // Room for new labels only: most of a batch updates vectors in place, and reserving for all of it doubled the
    // capacity at the first refresh after a full build (at 1M videos, per-slot locks and link lists for 2M).
    let added = 0;
    for (let i = 0; i < n; i++) if (this.hasSlot[vidxs[i]!] !== 1) added++;
    this.reserve(added);
    for (let i = 0; i < n; i++) this.put(vidxs[i]!);
    this.rebuildIfOutgrown();
  }

  /** Adds, updates or deletes one video's entry from its current vector. */
  private put(vidx: number): void {
    if (this.catalog.live[vidx] !== 1 || !this.itemVector(vidx, this.one, 0)) {
      if (this.indexed[vidx] === 1) {
        this.index.markDelete(vidx);
        this.indexed[vidx] = 0;
        this.count--;
      }
      return;
    }
    this.toSphere(this.one, 0);
    const point = this.point;
    for (let j = 0; j < this.indexDim; j++) point[j] = this.one[j]!;
    // A label seen before, even deleted, is updated (and undeleted) in place: no growth with every refresh.
    this.index.addPoint(point, vidx);
    this.hasSlot[vidx] = 1;
    if (this.indexed[vidx] !== 1) {
      this.indexed[vidx] = 1;
      this.count++;
    }
  }

  /**
   * A vector longer than M is still ranked exactly (q′ · x′ = q · x / (M |q|) holds off the sphere too), only the
   * graph around it is built on a worse distance. So growth past M rebuilds with a larger M only while the index
   * is small and a rebuild cheap, as when a new service's first vectors grow from their tiny initial values; a
   * large index keeps its M until the next start without a usable snapshot.
   */
  private rebuildIfOutgrown(): void {
    if (!this.outgrown || this.deferred) return;
    if (this.count <= REBUILD_WHEN_OUTGROWN_UP_TO) this.buildAll(true);
    else this.outgrown = false;
  }

  private refreshOne(vidx: number): void {
    this.reserve(this.hasSlot[vidx] === 1 ? 0 : 1);
    this.put(vidx);
    this.rebuildIfOutgrown();
  }

  /**
   * Maps the item vector at `out[offset ..]` onto the unit sphere of one more dimension: x′ = [x / M,
   * √(1 − |x|² / M²)]. With a unit query [q / |q|, 0], q′ · x′ = q · x / (M |q|), so the order by inner product is
   * unchanged, but every stored vector has norm 1 and the graph is built on a proper (cosine) distance. On raw
   * vectors the distance 1 − q · x goes negative and neighbour selection degrades: recall@100 on 20k clustered
   * vectors was 0.74 raw (connectivity 16) against ≥ 0.95 here.
   */
  private toSphere(out: Float32Array, offset: number): void {
    let squared = 0;
    for (let j = 0; j < this.dim; j++) squared += out[offset + j]! * out[offset + j]!;
    if (this.scale === 0) this.scale = Math.sqrt(squared) * SCALE_HEADROOM;
    else if (squared > this.scale * this.scale) this.outgrown = true;
    const scale = this.scale;
    for (let j = 0; j < this.dim; j++) out[offset + j]! /= scale;
    out[offset + this.dim] = Math.sqrt(Math.max(0, 1 - squared / (scale * scale)));
  }

  private itemVector(vidx: number, out: Float32Array, offset: number): boolean {
    const video = this.catalog.videos[vidx]!;
    return this.ranker().itemVector(video.id, video.creator, video.sound, video.hashtags, out, offset);
  }

  /**
   * The event moved the video's own vector and its creator's, which every video of that creator shares: the
   * newest `creatorSiblings` of them (the ones most worth serving) are marked too. Marking is a flag check; the
   * re-inserts stay bounded by `refreshPerFlush`. Sound and hashtag drift is left to the sweep.
   */
  private markMoved(vidx: number): void {
    this.markDirty(vidx);
    const siblings = this.catalog.videosOfCreator[this.catalog.creatorIdx[vidx]!]!;
    const stop = Math.max(0, siblings.length - this.options.creatorSiblings);
    for (let i = siblings.length - 1; i >= stop; i--) this.markDirty(siblings[i]!);
  }

  private markDirty(vidx: number): void {
    if (vidx >= this.dirtyFlag.length) this.ensure(vidx + 1);
    if (this.dirtyFlag[vidx] !== 0) return;
    if (this.dirtyCount === this.dirtyRing.length) this.growRing();
    this.dirtyFlag[vidx] = 1;
    this.dirtyRing[(this.dirtyHead + this.dirtyCount) % this.dirtyRing.length] = vidx;
    this.dirtyCount++;
  }

  private growRing(): void {
    const ring = new Int32Array(this.dirtyRing.length * 2);
    for (let i = 0; i < this.dirtyCount; i++) ring[i] = this.dirtyRing[(this.dirtyHead + i) % this.dirtyRing.length]!;
    this.dirtyRing = ring;
    this.dirtyHead = 0;
  }

  private ensure(length: number): void {
    this.indexed = grownUint8(this.indexed, length);
    this.hasSlot = grownUint8(this.hasSlot, length);
    this.dirtyFlag = grownUint8(this.dirtyFlag, length);
  }

  /** Scratch list of catalogue indexes for one batch. */
  private batchVidx = new Int32Array(0);
  private batch(n: number): Int32Array {
    if (this.batchVidx.length < n) this.batchVidx = new Int32Array(Math.max(n, 1024));
    return this.batchVidx;
  }
}

/** FNV-1a over the first `count` video ids in catalogue order. */
function catalogHash(catalog: VideoCatalog, count: number): number {
  let hash = 0x811c9dc5;
  for (let vidx = 0; vidx < count; vidx++) {
    const id = catalog.videos[vidx]!.id;
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0x1f, 0x01000193);
  }
  return hash >>> 0;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
