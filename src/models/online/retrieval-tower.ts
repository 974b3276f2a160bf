/**
 * The retrieval model behind the embedding source: a two-tower model trained for retrieval alone. A user is one
 * vector u; a video is x = v + c + s + mean(h) (its own, its creator's, its sound's and its hashtags' vectors, so a
 * new video is placed by what it shares with known ones) plus a bias b summed the same way. Both towers are
 * normalised and the model learns, from every positive engagement, a sampled softmax over the engaged video and
 * `negatives` videos drawn uniformly from the catalogue:
 *   logit = cos(u, x) / temperature + b.
 *
 * Why not the ranker's own vectors: its item vectors are a near-isotropic 16-d cloud with norms from 1 to 3.5,
 * searched by inner product — the hard case for graph search (recall@100 of 0.58 at a million videos at a usable
 * speed; bench/results/ann.md). Here the search is by cosine in 8 dimensions, where HNSW finds almost all of the
 * exact top 100 cheaply, and what norms carried in the ranker (popularity, quality) moves into the bias, which the
 * source adds after the search: the index holds directions only.
 */
import { EmbeddingTable, type EmbeddingTableOptions, type EmbeddingTableSnapshot } from './embedding-table.js';
import { xorshift32 } from './xorshift32.js';

export interface RetrievalTowerOptions {
  dim: number;
  /** Softmax temperature over cosines: lower sharpens the contrast between the engaged video and the others. */
  temperature: number;
  /** Videos drawn from the catalogue as negatives for each positive. */
  negatives: number;
  learningRate: number;
  /** L2 pull on vectors per update. */
  l2: number;
  /** Positive sightings before a video gets a vector of its own (until then its creator, sound and hashtags place it). */
  minOccurrences: number;
  ttlMs: number;
  seed: number;
}

export const DEFAULT_RETRIEVAL_OPTIONS: RetrievalTowerOptions = {
  dim: 8,
  temperature: 0.05,
  negatives: 16,
  learningRate: 0.05,
  l2: 1e-5,
  minOccurrences: 2,
  ttlMs: 30 * 24 * 3600 * 1000,
  seed: 7,
};

/** What the item tower reads of a video. */
export interface RetrievalItem {
  id: string;
  creator: string;
  sound?: string | undefined;
  hashtags: readonly string[];
}

export interface RetrievalTowerSnapshot {
  options: RetrievalTowerOptions;
  tables: Record<TableName, EmbeddingTableSnapshot>;
  updates: number;
  randomState: number;
}

const TABLES = ['users', 'videos', 'creators', 'sounds', 'hashtags'] as const;
type TableName = (typeof TABLES)[number];
const ADAGRAD_EPSILON = 1e-6;
/** Parts of one item: its video, creator, sound and up to this many hashtags minus three. */
const MAX_PARTS = 24;
const TINY_NORM = 1e-9;

export class RetrievalTower {
  readonly dim: number;
  /** Each row holds dim vector coordinates, then the bias. */
  readonly tables: Record<TableName, EmbeddingTable>;
  /** Positives learned from. */
  updates = 0;
  private randomState: number;

  // Scratch of one learning step (the positive first, then the negatives): no allocation per event.
  private readonly rows: Float32Array;
  private readonly norms: Float64Array;
  private readonly cosines: Float64Array;
  private readonly weights: Float64Array;
  private readonly partSlots: Int32Array;
  private readonly partTables: Uint8Array;
  private readonly partShares: Float32Array;
  private readonly partCounts: Int32Array;
  private readonly unitUser: Float32Array;
  private readonly userGradient: Float32Array;
  private readonly rowGradient: Float32Array;
  private readonly readRow: number;
  private readonly directionScratch: Float32Array;

  constructor(readonly options: RetrievalTowerOptions = DEFAULT_RETRIEVAL_OPTIONS) {
    this.dim = options.dim;
    const width = options.dim + 1;
    const tableOptions = (seed: number, minOccurrences: number): EmbeddingTableOptions => ({
      dim: width,
      minOccurrences,
      ttlMs: options.ttlMs,
      initScale: 0.1,
      seed: options.seed * 31 + seed,
      // A row's coordinates move together (through one normalised vector): one step size per row does.
      rowwiseAccumulator: true,
    });
    this.tables = {
      // A user's first positive already says where they are: their vector starts then.
      users: new EmbeddingTable(tableOptions(1, 1)),
      videos: new EmbeddingTable(tableOptions(2, options.minOccurrences)),
      creators: new EmbeddingTable(tableOptions(3, 1)),
      sounds: new EmbeddingTable(tableOptions(4, 1)),
      hashtags: new EmbeddingTable(tableOptions(5, 1)),
    };
    this.randomState = (options.seed * 2_654_435_761) >>> 0 || 1;
    // One row per item of a learning step, and one more (`readRow`) for reading an item outside learning.
    const items = options.negatives + 2;
    this.readRow = items - 1;
    this.rows = new Float32Array(items * width);
    this.norms = new Float64Array(items);
    this.cosines = new Float64Array(items);
    this.weights = new Float64Array(items);
    this.partSlots = new Int32Array(items * MAX_PARTS);
    this.partTables = new Uint8Array(items * MAX_PARTS);
    this.partShares = new Float32Array(items * MAX_PARTS);
    this.partCounts = new Int32Array(items);
    this.unitUser = new Float32Array(options.dim);
    this.userGradient = new Float32Array(options.dim);
    this.rowGradient = new Float32Array(width);
    this.directionScratch = new Float32Array(options.dim);
  }

  /**
   * Learns from one positive engagement of `user` with `item`; `negative(r)` returns the video at a uniform random
   * position r ∈ [0, 1) of the catalogue (or undefined for a hole). Returns false when nothing was learned.
   */
  learnPositive(user: string, item: RetrievalItem, now: number, negative: (r: number) => RetrievalItem | undefined): boolean {
    const dim = this.dim;
    const width = dim + 1;
    const { users, videos, creators, sounds, hashtags } = this.tables;
    const userSlot = users.touch(user, now);
    videos.touch(item.id, now);
    creators.touch(item.creator, now);
    if (item.sound !== undefined) sounds.touch(item.sound, now);
    for (const tag of item.hashtags) hashtags.touch(tag, now);
    if (userSlot < 0) return false;

    let userNorm = 0;
    const userBase = userSlot * width;
    for (let j = 0; j < dim; j++) userNorm += users.vectors[userBase + j]! ** 2;
    userNorm = Math.max(Math.sqrt(userNorm), TINY_NORM);
    for (let j = 0; j < dim; j++) this.unitUser[j] = users.vectors[userBase + j]! / userNorm;

    const items = this.options.negatives + 1;
    let count = 0;
    for (let k = 0; k < items; k++) {
      const candidate = k === 0 ? item : negative(this.nextRandom());
      if (!candidate || (k > 0 && candidate.id === item.id)) continue;
      this.gatherParts(candidate, count);
      const rowBase = count * width;
      let norm = 0;
      let dot = 0;
      for (let j = 0; j < dim; j++) {
        norm += this.rows[rowBase + j]! ** 2;
        dot += this.rows[rowBase + j]! * this.unitUser[j]!;
      }
      norm = Math.max(Math.sqrt(norm), TINY_NORM);
      this.norms[count] = norm;
      this.cosines[count] = dot / norm;
      this.weights[count] = this.cosines[count]! / this.options.temperature + this.rows[rowBase + dim]!;
      count++;
    }

    // Softmax over the logits; the error of item k is p_k − [k is the positive].
    let largest = -Infinity;
    for (let k = 0; k < count; k++) largest = Math.max(largest, this.weights[k]!);
    let total = 0;
    for (let k = 0; k < count; k++) {
      this.weights[k] = Math.exp(this.weights[k]! - largest);
      total += this.weights[k]!;
    }
    this.userGradient.fill(0);
    for (let k = 0; k < count; k++) {
      const error = this.weights[k]! / total - (k === 0 ? 1 : 0);
      const cosineError = error / this.options.temperature;
      const rowBase = k * width;
      const norm = this.norms[k]!;
      const cosine = this.cosines[k]!;
      // ∂cos/∂x = (û − cos·x̂)/|x| and ∂cos/∂u = (x̂ − cos·û)/|u|: the normalisations' Jacobians.
      for (let j = 0; j < dim; j++) {
        const unitItem = this.rows[rowBase + j]! / norm;
        this.rowGradient[j] = (cosineError * (this.unitUser[j]! - cosine * unitItem)) / norm;
        this.userGradient[j]! += (cosineError * (unitItem - cosine * this.unitUser[j]!)) / userNorm;
      }
      this.rowGradient[dim] = error;
      this.applyToParts(k);
    }
    this.update(users, userSlot, this.userGradient, 1, dim);
    this.updates++;
    return true;
  }

  /**
   * Reads an item as the index needs it, summing its parts once: writes its unit direction into
   * `out[offset .. offset + dim)` and returns its bias in cosine units (temperature × b, what the source adds to the
   * index's cosine), or NaN when no part has a vector (the direction says nothing about any user).
   */
  readItem(item: RetrievalItem, out: Float32Array, offset = 0): number {
    const dim = this.dim;
    const k = this.readRow;
    this.gatherParts(item, k);
    const rowBase = k * (dim + 1);
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += this.rows[rowBase + j]! ** 2;
    norm = Math.sqrt(norm);
    if (this.partCounts[k] === 0 || norm < TINY_NORM) return Number.NaN;
    for (let j = 0; j < dim; j++) out[offset + j] = this.rows[rowBase + j]! / norm;
    return this.options.temperature * this.rows[rowBase + dim]!;
  }

  /** Writes the item's unit direction into `out[offset .. offset + dim)`; false when no part has a vector. */
  itemVector(item: RetrievalItem, out: Float32Array, offset = 0): boolean {
    return !Number.isNaN(this.readItem(item, out, offset));
  }

  /** The item's bias in cosine units (0 when no part has a vector). */
  itemBias(item: RetrievalItem): number {
    const bias = this.readItem(item, this.directionScratch);
    return Number.isNaN(bias) ? 0 : bias;
  }

  /** Writes the user's unit query vector into `out` (length dim); false when the user has no vector yet. */
  userQuery(user: string, out: Float32Array): boolean {
    const dim = this.dim;
    const slot = this.tables.users.slotOf(user);
    out.fill(0, 0, dim);
    if (slot < 0) return false;
    const base = slot * (dim + 1);
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += this.tables.users.vectors[base + j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm < TINY_NORM) return false;
    for (let j = 0; j < dim; j++) out[j] = this.tables.users.vectors[base + j]! / norm;
    return true;
  }

  /** Forgets a user (erasure): their vector as a viewer and as a creator. */
  forgetUser(id: string): void {
    this.tables.users.remove(id);
    this.tables.creators.remove(id);
  }

  /** Forgets a user's vector as a viewer only (a profile reset). */
  forgetViewer(id: string): void {
    this.tables.users.remove(id);
  }

  forgetVideo(id: string): void {
    this.tables.videos.remove(id);
  }

  /** Frees vectors of ids unseen for the configured time. */
  expire(now: number): void {
    for (const name of TABLES) this.tables[name].expire(now);
  }

  /** `tables: false`: everything but the embedding tables (`tables` is then empty), for a codec that takes them one by one. */
  snapshot(options: { tables?: boolean } = {}): RetrievalTowerSnapshot {
    const tables = {} as Record<TableName, EmbeddingTableSnapshot>;
    if (options.tables !== false) for (const name of TABLES) tables[name] = this.tables[name].snapshot();
    return { options: this.options, tables, updates: this.updates, randomState: this.randomState };
  }

  static restore(snapshot: RetrievalTowerSnapshot): RetrievalTower {
    const tower = new RetrievalTower(snapshot.options);
    for (const name of TABLES) (tower.tables as Record<TableName, EmbeddingTable>)[name] = EmbeddingTable.restore(snapshot.tables[name]);
    tower.updates = snapshot.updates;
    tower.randomState = snapshot.randomState;
    return tower;
  }

  /** Sums the item's parts into row `k` of `rows` (vector and bias) and records them for the update. */
  private gatherParts(item: RetrievalItem, k: number): void {
    const width = this.dim + 1;
    const rowBase = k * width;
    this.rows.fill(0, rowBase, rowBase + width);
    this.partCounts[k] = 0;
    const { videos, creators, sounds, hashtags } = this.tables;
    this.addPart(k, 1, videos.slotOf(item.id), 1);
    this.addPart(k, 2, creators.slotOf(item.creator), 1);
    if (item.sound !== undefined) this.addPart(k, 3, sounds.slotOf(item.sound), 1);
    const share = 1 / Math.max(1, this.knownHashtags(item.hashtags));
    for (const tag of item.hashtags) this.addPart(k, 4, hashtags.slotOf(tag), share);
  }

  private addPart(k: number, table: number, slot: number, share: number): void {
    if (slot < 0 || this.partCounts[k]! >= MAX_PARTS) return;
    const width = this.dim + 1;
    const at = k * MAX_PARTS + this.partCounts[k]!++;
    this.partSlots[at] = slot;
    this.partTables[at] = table;
    this.partShares[at] = share;
    const vectors = this.tableByNumber(table).vectors;
    const base = slot * width;
    const rowBase = k * width;
    for (let j = 0; j < width; j++) this.rows[rowBase + j]! += vectors[base + j]! * share;
  }

  private applyToParts(k: number): void {
    const parts = this.partCounts[k]!;
    for (let p = 0; p < parts; p++) {
      const at = k * MAX_PARTS + p;
      const table = this.partTables[at]!;
      // Hashtags carry no bias of their own: a popular hashtag says little about one video's appeal.
      this.update(this.tableByNumber(table), this.partSlots[at]!, this.rowGradient, this.partShares[at]!, table === 4 ? this.dim : this.dim + 1);
    }
  }

  /** Row-wise Adagrad on the first `coordinates` of the row: the row's accumulator sums the mean squared gradient. */
  private update(table: EmbeddingTable, slot: number, gradient: Float32Array, share: number, coordinates: number): void {
    const lr = this.options.learningRate;
    const l2 = this.options.l2;
    const base = slot * (this.dim + 1);
    const vectors = table.vectors;
    let squares = 0;
    for (let j = 0; j < coordinates; j++) {
      const g = gradient[j]! * share + l2 * vectors[base + j]!;
      squares += g * g;
    }
    if (squares === 0) return;
    table.accumulators[slot]! += squares / coordinates;
    const step = lr / (Math.sqrt(table.accumulators[slot]!) + ADAGRAD_EPSILON);
    for (let j = 0; j < coordinates; j++) vectors[base + j]! -= step * (gradient[j]! * share + l2 * vectors[base + j]!);
  }

  private tableByNumber(table: number): EmbeddingTable {
    const { videos, creators, sounds, hashtags } = this.tables;
    return table === 1 ? videos : table === 2 ? creators : table === 3 ? sounds : hashtags;
  }

  private knownHashtags(tags: readonly string[]): number {
    let known = 0;
    for (const tag of tags) if (this.tables.hashtags.slotOf(tag) >= 0) known++;
    return known;
  }

  /** Uniform in [0, 1). */
  private nextRandom(): number {
    this.randomState = xorshift32(this.randomState);
    return this.randomState / 4_294_967_296;
  }
}
