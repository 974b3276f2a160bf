/**
 * A collisionless embedding table (after ByteDance's Monolith): every id that earns a vector gets its own slot in
 * one Float32Array slab — no hash buckets shared between ids. An id gets a slot only after `minOccurrences`
 * sightings (the frequency filter: rare ids would only learn noise and bloat memory); before that `slotOf` answers
 * -1 and callers fall back to shared vectors (creator, hashtags, sound). Ids unseen for `ttlMs` are expired and
 * their slots reused, so memory stays bounded by the active population.
 */

import { nextCapacity } from '../../features/growable.js';
import { xorshift32 } from './xorshift32.js';

export interface EmbeddingTableOptions {
  dim: number;
  /** Sightings before an id gets its own vector. */
  minOccurrences: number;
  /** An id unseen for this long is expired (its vector forgotten, its slot freed). */
  ttlMs: number;
  /** Scale of the random initial vectors. */
  initScale: number;
  seed: number;
  /**
   * Row-wise Adagrad: one accumulator per id instead of one per coordinate (as TorchRec's rowwise optimiser),
   * for tables where a million rows of per-coordinate state would cost more memory than the adaptivity is worth.
   */
  rowwiseAccumulator?: boolean;
}

export interface EmbeddingTableSnapshot {
  options: EmbeddingTableOptions;
  ids: string[];
  /** Per id in `ids` order (typed since 2026-12; older snapshots hold plain arrays, read the same way). */
  lastSeen: ArrayLike<number>;
  counts: ArrayLike<number>;
  /** Vectors then Adagrad accumulators (`dim` floats per id, or one with `rowwiseAccumulator`), in `ids` order. */
  vectors: Float32Array;
  accumulators: Float32Array;
  /** Ids still below the frequency filter, with their counts and last sighting. */
  pending: Array<[string, number, number]>;
}

export class EmbeddingTable {
  readonly dim: number;
  /** Accumulator floats per slot: `dim`, or 1 for row-wise Adagrad. */
  readonly accumulatorWidth: number;
  private readonly slotById = new Map<string, number>();
  private idBySlot: (string | undefined)[] = [];
  /** slot × dim floats. */
  vectors: Float32Array;
  /** Adagrad's sums of squared gradients: per coordinate (same layout as `vectors`) or per slot (row-wise). */
  accumulators: Float32Array;
  private lastSeen: Float64Array;
  private counts: Float64Array;
  private readonly freeSlots: number[] = [];
  private used = 0;
  /** Ids below the frequency filter: sightings and last sighting. */
  private readonly pending = new Map<string, { count: number; lastSeen: number }>();
  private randomState: number;
  /** Bumped whenever a slot is freed: slots cached outside the table are valid while this is unchanged. */
  releases = 0;

  constructor(readonly options: EmbeddingTableOptions, initialCapacity = 1024) {
    this.dim = options.dim;
    this.accumulatorWidth = options.rowwiseAccumulator ? 1 : options.dim;
    this.vectors = new Float32Array(initialCapacity * this.dim);
    this.accumulators = new Float32Array(initialCapacity * this.accumulatorWidth);
    this.lastSeen = new Float64Array(initialCapacity);
    this.counts = new Float64Array(initialCapacity);
    this.randomState = options.seed >>> 0 || 1;
  }

  /** Ids holding a vector. */
  get size(): number {
    return this.slotById.size;
  }

  get pendingSize(): number {
    return this.pending.size;
  }

  /** Bytes held by the slabs (capacity, not only the used part). */
  get slabBytes(): number {
    return this.vectors.byteLength + this.accumulators.byteLength + this.lastSeen.byteLength + this.counts.byteLength;
  }

  /** The id's slot, or -1 while it is below the frequency filter (or unknown). */
  slotOf(id: string): number {
    return this.slotById.get(id) ?? -1;
  }

  /** Records a sighting; returns the id's slot (allocated once it passes the frequency filter) or -1. */
  touch(id: string, now: number): number {
    const slot = this.slotById.get(id);
    if (slot !== undefined) {
      this.lastSeen[slot] = now;
      this.counts[slot]!++;
      return slot;
    }
    const pending = this.pending.get(id);
    const count = (pending?.count ?? 0) + 1;
    if (count < this.options.minOccurrences) {
      if (pending) {
        pending.count = count;
        pending.lastSeen = now;
      } else {
        this.pending.set(id, { count, lastSeen: now });
      }
      return -1;
    }
    this.pending.delete(id);
    return this.allocate(id, now, count);
  }

  /** The id's slot, allocated at once regardless of the frequency filter (ids a batch model already knows). */
  force(id: string, now: number): number {
    const slot = this.slotById.get(id);
    if (slot !== undefined) {
      this.lastSeen[slot] = now;
      return slot;
    }
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return this.allocate(id, now, pending?.count ?? 0);
  }

  /** Frees the slots of ids unseen since `now - ttlMs`; returns how many ids were expired. */
  expire(now: number): number {
    const cutoff = now - this.options.ttlMs;
    let expired = 0;
    for (const [id, slot] of this.slotById) {
      if (this.lastSeen[slot]! < cutoff) {
        this.release(id, slot);
        expired++;
      }
    }
    for (const [id, entry] of this.pending) if (entry.lastSeen < cutoff) this.pending.delete(id);
    return expired;
  }

  /** Forgets one id at once (erasure). */
  remove(id: string): boolean {
    this.pending.delete(id);
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    this.release(id, slot);
    return true;
  }

  /**
   * What the table holds about one id: whether it has a vector (and its L2 norm), how many sightings it learned
   * from and when it was last seen; ids below the frequency filter report their sightings only.
   */
  describe(id: string): { hasVector: boolean; norm: number; sightings: number; lastSeen: number | null } {
    const slot = this.slotById.get(id);
    if (slot === undefined) {
      const pending = this.pending.get(id);
      return { hasVector: false, norm: 0, sightings: pending?.count ?? 0, lastSeen: pending?.lastSeen ?? null };
    }
    let squares = 0;
    for (let k = slot * this.dim; k < (slot + 1) * this.dim; k++) squares += this.vectors[k]! * this.vectors[k]!;
    return { hasVector: true, norm: Math.sqrt(squares), sightings: this.counts[slot]!, lastSeen: this.lastSeen[slot]! };
  }

  /** Offset of the slot's vector in `vectors` (and of its accumulators). */
  offset(slot: number): number {
    return slot * this.dim;
  }

  snapshot(): EmbeddingTableSnapshot {
    // Typed columns and plain copy loops: at a million ids, per-id arrays of numbers and two subarray views per id
    // made this 1.6 s of the ranker snapshot, all of it on the serving thread.
    const size = this.slotById.size;
    const dim = this.dim;
    const width = this.accumulatorWidth;
    const ids: string[] = new Array<string>(size);
    const lastSeen = new Float64Array(size);
    const counts = new Float64Array(size);
    const vectors = new Float32Array(size * dim);
    const accumulators = new Float32Array(size * width);
    const sourceVectors = this.vectors;
    const sourceAccumulators = this.accumulators;
    let i = 0;
    for (const [id, slot] of this.slotById) {
      ids[i] = id;
      lastSeen[i] = this.lastSeen[slot]!;
      counts[i] = this.counts[slot]!;
      for (let j = 0; j < dim; j++) vectors[i * dim + j] = sourceVectors[slot * dim + j]!;
      for (let j = 0; j < width; j++) accumulators[i * width + j] = sourceAccumulators[slot * width + j]!;
      i++;
    }
    const pending = [...this.pending].map(([id, entry]): [string, number, number] => [id, entry.count, entry.lastSeen]);
    return { options: { ...this.options }, ids, lastSeen, counts, vectors, accumulators, pending };
  }

  static restore(snapshot: EmbeddingTableSnapshot): EmbeddingTable {
    const table = new EmbeddingTable(snapshot.options, Math.max(1024, snapshot.ids.length));
    const dim = table.dim;
    const width = table.accumulatorWidth;
    snapshot.ids.forEach((id, i) => {
      const slot = table.allocate(id, snapshot.lastSeen[i]!, snapshot.counts[i]!, false);
      table.vectors.set(snapshot.vectors.subarray(i * dim, (i + 1) * dim), slot * dim);
      table.accumulators.set(snapshot.accumulators.subarray(i * width, (i + 1) * width), slot * width);
    });
    for (const [id, count, lastSeen] of snapshot.pending) table.pending.set(id, { count, lastSeen });
    return table;
  }

  private allocate(id: string, now: number, count: number, initialise = true): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.used++;
      if (slot >= this.lastSeen.length) this.grow(slot + 1);
    }
    this.slotById.set(id, slot);
    this.idBySlot[slot] = id;
    this.lastSeen[slot] = now;
    this.counts[slot] = count;
    const offset = slot * this.dim;
    this.accumulators.fill(0, slot * this.accumulatorWidth, (slot + 1) * this.accumulatorWidth);
    if (initialise) {
      for (let k = 0; k < this.dim; k++) this.vectors[offset + k] = (this.nextRandom() * 2 - 1) * this.options.initScale;
    }
    return slot;
  }

  private release(id: string, slot: number): void {
    this.releases++;
    this.slotById.delete(id);
    this.idBySlot[slot] = undefined;
    const offset = slot * this.dim;
    // Zeroed so that a forgotten id leaves nothing behind in memory or in later snapshots.
    this.vectors.fill(0, offset, offset + this.dim);
    this.accumulators.fill(0, slot * this.accumulatorWidth, (slot + 1) * this.accumulatorWidth);
    this.lastSeen[slot] = 0;
    this.counts[slot] = 0;
    this.freeSlots.push(slot);
  }

  private grow(minSlots: number): void {
    const slots = nextCapacity(this.lastSeen.length, minSlots);
    const vectors = new Float32Array(slots * this.dim);
    vectors.set(this.vectors);
    this.vectors = vectors;
    const accumulators = new Float32Array(slots * this.accumulatorWidth);
    accumulators.set(this.accumulators);
    this.accumulators = accumulators;
    const lastSeen = new Float64Array(slots);
    lastSeen.set(this.lastSeen);
    this.lastSeen = lastSeen;
    const counts = new Float64Array(slots);
    counts.set(this.counts);
    this.counts = counts;
  }

  /** Deterministic initial vectors, so a seed reproduces a table. */
  private nextRandom(): number {
    this.randomState = xorshift32(this.randomState);
    return this.randomState / 4_294_967_296;
  }
}
