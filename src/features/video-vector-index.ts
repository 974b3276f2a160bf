/**
 * Approximate nearest-neighbour index (hnswlib HNSW) over the retrieval tower's unit item vectors, searched by
 * cosine and keyed by catalogue index, so the embedding source finds the videos closest to a user's query without
 * scoring the whole catalogue. Beside each vector it keeps the item's bias, which the source adds to the cosine.
 *
 * Kept current incrementally: a live video is added when it is put, a removed or pending one leaves at once, and
 * videos whose vectors moved through learning are marked dirty and updated in place in bounded batches (`refreshPerFlush`
 * every `flushEveryEvents` learned events), plus a slow sweep over the catalogue for the drift that creator and
 * hashtag updates cause in videos nobody engaged with. Never a full rebuild per event. Its graph is written beside
 * each state snapshot (`writeIndexFile`, state-snapshot.ts) and read back with it (`revive`); a store from before
 * state snapshots may still hold one of its own (`restore`). Built from the tower when there is neither.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import type { RetrievalTower } from '../models/online/retrieval-tower.js';
import type { Store } from '../store/store.js';
import { grownUint8 } from './growable.js';
import type { VideoCatalog } from './video-catalog.js';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export const VIDEO_VECTOR_SNAPSHOT_NAME = 'video-vector-index';
/** 3: the retrieval tower's unit vectors (2 was the ranker's, on a sphere of one more dimension; 1 usearch's). */
const SNAPSHOT_FORMAT = 3;
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
 * The tower's 8-d unit vectors are an easy case for graph search. Recall@100 against exact search with degree 16
 * and expansion add 200, at search expansion 150 / 200 / 300 / 400: 0.94 / 0.96 / 0.97 / 0.98 at 100k videos
 * (every video with a vector of its own) and 0.97 / 0.98 / 0.99 / 0.99 at a million. Degree 32 adds little and
 * costs 128 MB more per replica at a million. Serving searches at 200, the lowest expansion that keeps recall@100
 * ≥ 0.95 at both sizes (the embedding source asks for twice its budget, 100 results); bench/results/ann.md has the
 * tables.
 */
export const DEFAULT_VIDEO_VECTOR_INDEX_OPTIONS: VideoVectorIndexOptions = {
  connectivity: 16,
  expansionAdd: 200,
  expansionSearch: 200,
  flushEveryEvents: 256,
  refreshPerFlush: 16,
  sweepPerFlush: 4,
  creatorSiblings: 16,
};

interface SnapshotMeta {
  format: number;
  /** Event-log position the models had learned up to when the vectors were read. */
  seq: number;
  dim: number;
  connectivity: number;
  /** Catalogue size when saved, and a hash of those ids in catalogue order: keys stay valid only if they match. */
  count: number;
  catalogHash: number;
  indexBytes: number;
  dirtyCount: number;
}

export class VideoVectorIndex {
  /** Not in a state snapshot: written beside it by hnswlib (`writeIndexFile`) and read back by `revive`. */
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
  /**
   * When set, a refresh that learning made due is handed to it (to run in a turn of its own) instead of running inside
   * the event that made it due: re-inserting 20 vectors into the graph took up to 25 ms, the longest step of applying
   * an event at 100k videos. The index is approximate and compared by recall, so when a refresh runs changes no other
   * part of the state. Not in a snapshot: the serving process sets it.
   */
  deferRefresh: ((refresh: () => void) => void) | undefined;
  private refreshQueued = false;
  private sweepCursor = 0;
  /**
   * While the state is rebuilt from the store the tower is not final yet: puts and learning only mark, and
   * `attach` builds or restores once. `markAfterSeq`: replayed events up to it are already in the restored vectors.
   */
  private deferred = false;
  private markAfterSeq = -1;
  private restored = false;
  private readonly dim: number;
  /** Each indexed video's bias (the tower's, in cosine units) as read with its vector. */
  private biases = new Float32Array(0);
  /** hnswlib takes plain arrays: one point and one query, reused by every call. */
  private readonly point: number[];
  private readonly queryScratch: number[];
  private readonly one: Float32Array;
  /** The last search's results, best first: catalogue indexes and cosines. */
  resultVidx = new Int32Array(256);
  resultScore = new Float32Array(256);

  constructor(
    private readonly catalog: VideoCatalog,
    /** The tower is replaced when a snapshot is resumed, so it is read through this function. */
    private tower: () => RetrievalTower,
    readonly options: VideoVectorIndexOptions = DEFAULT_VIDEO_VECTOR_INDEX_OPTIONS,
  ) {
    this.dim = tower().dim;
    this.one = new Float32Array(this.dim);
    this.point = new Array<number>(this.dim).fill(0);
    this.queryScratch = new Array<number>(this.dim).fill(0);
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

  /** Whether `attach` continued from a stored snapshot rather than building from the tower. */
  get restoredFromSnapshot(): boolean {
    return this.restored;
  }

  has(vidx: number): boolean {
    return this.indexed[vidx] === 1;
  }

  /** The indexed video's bias, as read with its vector. */
  biasOf(vidx: number): number {
    return this.biases[vidx]!;
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
   * An event on this video was applied; `moved` when the tower learned from it (the video's vectors changed).
   * Re-inserts happen in batches every `flushEveryEvents` learned events. While replaying after a restored
   * snapshot, every event after the snapshot's log position (`seq`) counts, learned now or before the models' own
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
    if (++this.eventsSinceFlush < this.options.flushEveryEvents) return;
    if (!this.deferRefresh) {
      this.flush(this.options.refreshPerFlush);
      return;
    }
    this.eventsSinceFlush = 0;
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    this.deferRefresh(() => {
      this.refreshQueued = false;
      this.flush(this.options.refreshPerFlush);
    });
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
   * Finds up to `wanted` videos with the largest cosine with `query` (length dim); writes them to `resultVidx` /
   * `resultScore`, best first, and returns how many. Single-threaded: requests run concurrently.
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
    const matches = this.index.searchKnn(scratch, Math.min(wanted, size));
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
      // Unit vectors: hnswlib's inner-product distance is 1 − cosine.
      this.resultScore[n] = 1 - matches.distances[i]!;
      n++;
    }
    return n;
  }

  /**
   * Every indexed video's item vector as the tower has it now, in catalogue order, with the catalogue indexes:
   * what an exact search compares against.
   */
  currentVectors(): { vidx: Int32Array; vectors: Float32Array } {
    const live: number[] = [];
    for (let vidx = 0; vidx < this.catalog.size; vidx++) if (this.indexed[vidx] === 1) live.push(vidx);
    const vectors = new Float32Array(live.length * this.dim);
    live.forEach((vidx, i) => this.tower().itemVector(this.catalog.item(vidx), vectors, i * this.dim));
    return { vidx: Int32Array.from(live), vectors };
  }

  /**
   * Ends rebuild mode: continues the restored snapshot (re-inserting the videos it lacks or has stale), or builds
   * the whole index from the tower when there was no usable snapshot.
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
    // The snapshot holds vectors only: biases are read from the restored tower.
    for (let vidx = 0; vidx < size; vidx++) if (this.indexed[vidx] === 1) this.biases[vidx] = this.tower().itemBias(this.catalog.item(vidx));
    this.flushAll();
  }

  /** Writes the hnswlib index to `path` (a state snapshot keeps it beside the state: state-snapshot.ts). */
  writeIndexFile(path: string): void {
    this.index.writeIndexSync(path);
  }

  /**
   * After a state snapshot was decoded into this object (fields restored, no constructor run): reconnects the tower
   * and reads the index the snapshot wrote with `writeIndexFile`.
   */
  revive(tower: () => RetrievalTower, indexPath: string): void {
    this.tower = tower;
    this.refreshQueued = false;
    const index = new HierarchicalNSW('ip', this.dim);
    index.readIndexSync(indexPath);
    index.setEf(this.options.expansionSearch);
    this.index = index;
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

  /**
   * Loads the latest snapshot if it is usable with the models just restored (resumed at `rankerSeq`): same shape,
   * same catalogue keys, and not ahead of the models. Call in rebuild mode, before the events are replayed, so that
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
      snapshot.bytes.byteLength === meta.indexBytes + align4(meta.count) + meta.dirtyCount * 4 &&
      meta.catalogHash === catalogHash(this.catalog, meta.count);
    if (!usable) return false;
    const dir = mkdtempSync(join(tmpdir(), 'foryou-ann-'));
    try {
      const path = join(dir, 'index.hnsw');
      writeFileSync(path, snapshot.bytes.subarray(0, meta.indexBytes!));
      const index = new HierarchicalNSW('ip', this.dim);
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
    this.restored = true;
    return true;
  }

  private newIndex(capacity: number): Hnsw {
    const index = new HierarchicalNSW('ip', this.dim);
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

  /** Builds a new index of every live video from the tower. */
  private buildAll(): void {
    const size = this.catalog.size;
    this.index = this.newIndex(Math.max(INITIAL_CAPACITY, size));
    this.count = 0;
    this.indexed.fill(0);
    this.hasSlot.fill(0);
    // Every vector is read now: nothing stays dirty.
    this.dirtyFlag.fill(0);
    this.dirtyCount = 0;
    this.dirtyHead = 0;
    // The index was sized for every video: no `reserve` here, which on the last chunk of a batched build doubled
    // the capacity (at 1M videos, room for 2M, whose per-slot locks and link lists hnswlib allocates at once).
    for (let vidx = 0; vidx < size; vidx++) this.put(vidx);
  }

  /**
   * Re-reads the vectors of `vidxs[0..n)` from the tower: live videos with a vector are added or updated in place
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
  }

  /** Adds, updates or deletes one video's entry from its current vector. */
  private put(vidx: number): void {
    const bias = this.catalog.live[vidx] === 1 ? this.tower().readItem(this.catalog.item(vidx), this.one, 0) : Number.NaN;
    if (Number.isNaN(bias)) {
      if (this.indexed[vidx] === 1) {
        this.index.markDelete(vidx);
        this.indexed[vidx] = 0;
        this.count--;
      }
      return;
    }
    const point = this.point;
    for (let j = 0; j < this.dim; j++) point[j] = this.one[j]!;
    this.biases[vidx] = bias;
    // A label seen before, even deleted, is updated (and undeleted) in place: no growth with every refresh.
    this.index.addPoint(point, vidx);
    this.hasSlot[vidx] = 1;
    if (this.indexed[vidx] !== 1) {
      this.indexed[vidx] = 1;
      this.count++;
    }
  }

  private refreshOne(vidx: number): void {
    this.reserve(this.hasSlot[vidx] === 1 ? 0 : 1);
    this.put(vidx);
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
    if (this.biases.length < length) {
      const biases = new Float32Array(Math.max(length, this.biases.length * 2));
      biases.set(this.biases);
      this.biases = biases;
    }
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
    const id = catalog.ids[vidx]!;
    for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    hash = Math.imul(hash ^ 0x1f, 0x01000193);
  }
  return hash >>> 0;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
