/**
 * The online multi-task ranker. For a (user, video) pair it predicts every head in HEADS from
 *   z = u ⊙ (v + c + s + mean(h))      (user vector times the item's video, creator, sound and hashtag vectors)
 *   logit_k = b_k + A_k · z + W_k · x   (per-head weights over the shared interaction z and the dense context x)
 * and learns from every event at once with Adagrad. Ids below the embedding tables' frequency filter have no vector
 * of their own, so a new video is scored through its creator, sound and hashtags until it has been seen enough.
 */
import { EmbeddingTable, type EmbeddingTableOptions, type EmbeddingTableSnapshot } from './embedding-table.js';
import { DELAYED_HEADS, HEAD_COUNT, HEADS, MAX_WATCH_RATIO_TARGET, REGRESSION_HEADS } from './heads.js';
import { DENSE_COUNT, type RankerInput } from './ranker-input.js';
import { xorshift32 } from './xorshift32.js';

export interface RankerOptions {
  dim: number;
  learningRate: number;
  /** L2 pull on embedding vectors per update. */
  l2: number;
  /** Frequency filter and expiry of the embedding tables. */
  minOccurrences: number;
  ttlMs: number;
  seed: number;
}

export const DEFAULT_RANKER_OPTIONS: RankerOptions = {
  dim: 16,
  learningRate: 0.05,
  l2: 1e-5,
  minOccurrences: 2,
  ttlMs: 30 * 24 * 3600 * 1000,
  seed: 1,
};

const ADAGRAD_EPSILON = 1e-6;
const INITIAL_INTERACTION = 0.1;
/**
 * What an untrained ranker predicts: typical short-video rates, so a cold model ranks by the dense context instead
 * of claiming every head is a coin toss. Regression heads start at this value; probabilities at this rate.
 */
const PRIOR: Readonly<Record<(typeof HEADS)[number], number>> = {
  play: 0.7,
  watchRatio: 0.5,
  finish: 0.3,
  like: 0.05,
  share: 0.01,
  comment: 0.01,
  follow: 0.005,
  skip: 0.3,
  notInterested: 0.005,
};
const TABLES = ['users', 'videos', 'creators', 'sounds', 'hashtags'] as const;
type TableName = (typeof TABLES)[number];

/** Factor vectors of a batch retrieval model, row-major, `dim` floats per id. */
export interface BatchFactors {
  dim: number;
  userIds: readonly string[];
  userVectors: Float32Array;
  itemIds: readonly string[];
  itemVectors: Float32Array;
  /** When the batch model was fitted: the time its warm-started ids were last seen. */
  trainedAt: number;
}

export interface RankerSnapshot {
  options: RankerOptions;
  bias: number[];
  biasAccumulator: number[];
  interaction: Float32Array;
  interactionAccumulator: Float32Array;
  dense: Float32Array;
  denseAccumulator: Float32Array;
  tables: Record<TableName, EmbeddingTableSnapshot>;
  updates: number;
}

/** In the slot cache: the video was looked up and has no slot (see `slotCache`). */
const NO_VIDEO_SLOT = -3;

const IS_REGRESSION = Uint8Array.from(HEADS, (h) => (REGRESSION_HEADS.has(h) ? 1 : 0));
const IS_DELAYED = Uint8Array.from(HEADS, (h) => (DELAYED_HEADS.has(h) ? 1 : 0));

export class MultiTaskRanker {
  readonly dim: number;
  readonly tables: Record<TableName, EmbeddingTable>;
  private readonly bias = new Float64Array(HEAD_COUNT);
  private readonly biasAccumulator = new Float64Array(HEAD_COUNT);
  /** HEAD_COUNT × dim */
  private readonly interaction: Float32Array;
  private readonly interactionAccumulator: Float32Array;
  /** HEAD_COUNT × DENSE_COUNT */
  private readonly dense: Float32Array;
  private readonly denseAccumulator: Float32Array;
  /** Events learned from. */
  updates = 0;

  // Scratch space, reused by every call: no allocation per candidate.
  private readonly item: Float32Array;
  private readonly user: Float32Array;
  private readonly z: Float32Array;
  private readonly zGradient: Float32Array;
  private readonly logits = new Float64Array(HEAD_COUNT);
  private readonly errors = new Float64Array(HEAD_COUNT);
  private hashtagSlots = new Int32Array(64);

  constructor(readonly options: RankerOptions = DEFAULT_RANKER_OPTIONS) {
    this.dim = options.dim;
    const tableOptions = (seed: number): EmbeddingTableOptions => ({
      dim: options.dim,
      minOccurrences: options.minOccurrences,
      ttlMs: options.ttlMs,
      initScale: 0.1,
      seed: options.seed * 31 + seed,
    });
    this.tables = {
      users: new EmbeddingTable(tableOptions(1)),
      // The largest table (a row per video): row-wise Adagrad, one accumulator per video instead of one per
      // coordinate, saves 64 MB in each serving replica at a million videos.
      videos: new EmbeddingTable({ ...tableOptions(2), rowwiseAccumulator: true }),
      // Creators, sounds and hashtags are the fallback of new videos: they get vectors from the first sighting.
      creators: new EmbeddingTable({ ...tableOptions(3), minOccurrences: 1 }),
      sounds: new EmbeddingTable({ ...tableOptions(4), minOccurrences: 1 }),
      hashtags: new EmbeddingTable({ ...tableOptions(5), minOccurrences: 1 }),
    };
    HEADS.forEach((head, k) => {
      const rate = PRIOR[head];
      // Delayed heads learn rate / (1 + rate); probability heads start at log-odds, regression at the value.
      const p = IS_DELAYED[k] === 1 ? rate / (1 + rate) : rate;
      this.bias[k] = IS_REGRESSION[k] === 1 ? rate : Math.log(p / (1 - p));
    });
    // Affinity (z) starts out raising the positive heads and lowering skip and not-interested.
    this.interaction = new Float32Array(HEAD_COUNT * options.dim);
    HEADS.forEach((head, k) => {
      const sign = head === 'skip' || head === 'notInterested' ? -1 : 1;
      this.interaction.fill(sign * INITIAL_INTERACTION, k * options.dim, (k + 1) * options.dim);
    });
    this.interactionAccumulator = new Float32Array(HEAD_COUNT * options.dim);
    this.dense = new Float32Array(HEAD_COUNT * DENSE_COUNT);
    this.denseAccumulator = new Float32Array(HEAD_COUNT * DENSE_COUNT);
    this.item = new Float32Array(options.dim);
    this.user = new Float32Array(options.dim);
    this.z = new Float32Array(options.dim);
    this.zGradient = new Float32Array(options.dim);
  }

  /** Writes the predictions of every head into `out` (length HEAD_COUNT). */
  predict(input: RankerInput, out: Float64Array): void {
    this.forward(input, false, 0);
    for (let k = 0; k < HEAD_COUNT; k++) out[k] = this.output(k, this.logits[k]!);
  }

  /**
   * Learns from one labelled observation: `mask[k]` = 1 where `labels[k]` is known. Predictions made just before
   * (progressive validation) can be read from `before` when given.
   */
  learn(input: RankerInput, labels: Float64Array, mask: Uint8Array, now: number, before?: Float64Array): void {
    this.forward(input, true, now);
    const lr = this.options.learningRate;
    const dim = this.dim;
    let any = false;
    for (let k = 0; k < HEAD_COUNT; k++) {
      const logit = this.logits[k]!;
      if (before) before[k] = this.output(k, logit);
      if (mask[k] !== 1) {
        this.errors[k] = 0;
        continue;
      }
      any = true;
      const error =
        IS_REGRESSION[k] === 1
          ? clamp(logit, -1, MAX_WATCH_RATIO_TARGET + 1) - Math.min(labels[k]!, MAX_WATCH_RATIO_TARGET)
          : sigmoid(logit) - labels[k]!;
      this.errors[k] = error;
    }
    if (!any) return;
    this.updates++;

    // Gradient with respect to z, from the interaction weights before they move.
    const zGradient = this.zGradient;
    zGradient.fill(0);
    for (let k = 0; k < HEAD_COUNT; k++) {
      const error = this.errors[k]!;
      if (error === 0) continue;
      const base = k * dim;
      for (let j = 0; j < dim; j++) zGradient[j]! += error * this.interaction[base + j]!;
    }

    for (let k = 0; k < HEAD_COUNT; k++) {
      const error = this.errors[k]!;
      if (error === 0) continue;
      this.biasAccumulator[k]! += error * error;
      this.bias[k]! -= (lr * error) / (Math.sqrt(this.biasAccumulator[k]!) + ADAGRAD_EPSILON);
      const base = k * dim;
      for (let j = 0; j < dim; j++) {
        const g = error * this.z[j]!;
        if (g === 0) continue;
        this.interactionAccumulator[base + j]! += g * g;
        this.interaction[base + j]! -= (lr * g) / (Math.sqrt(this.interactionAccumulator[base + j]!) + ADAGRAD_EPSILON);
      }
      const denseBase = k * DENSE_COUNT;
      for (let i = 0; i < DENSE_COUNT; i++) {
        const g = error * input.dense[i]!;
        if (g === 0) continue;
        this.denseAccumulator[denseBase + i]! += g * g;
        this.dense[denseBase + i]! -= (lr * g) / (Math.sqrt(this.denseAccumulator[denseBase + i]!) + ADAGRAD_EPSILON);
      }
    }

    // Embeddings: ∂/∂u = zGradient ⊙ item; ∂/∂(each item part) = zGradient ⊙ u (hashtags share the mean's gradient).
    this.updateVector(this.tables.users, this.slots.user, this.item, 1);
    this.updateVector(this.tables.videos, this.slots.video, this.user, 1);
    this.updateVector(this.tables.creators, this.slots.creator, this.user, 1);
    this.updateVector(this.tables.sounds, this.slots.sound, this.user, 1);
    const hashtagCount = this.slots.hashtagCount;
    for (let h = 0; h < hashtagCount; h++) {
      this.updateVector(this.tables.hashtags, this.hashtagSlots[h]!, this.user, 1 / hashtagCount);
    }
  }

  /**
   * Starts from a batch model's factors (e.g. iALS): user and item vectors of any width are projected to this
   * ranker's width with one seeded Gaussian projection, which keeps their dot products in expectation
   * (Johnson–Lindenstrauss), so z = u ⊙ v starts out carrying the batch model's affinity. The ids get their slots
   * at once: the batch model has seen them often enough.
   */
  warmStart(factors: BatchFactors, now: number): { users: number; videos: number } {
    const width = factors.dim;
    const dim = this.dim;
    const projection = new Float32Array(width * dim);
    let state = (this.options.seed * 2_654_435_761) >>> 0 || 1;
    const uniform = () => {
      state = xorshift32(state);
      return (state + 0.5) / 4_294_967_296;
    };
    for (let i = 0; i < projection.length; i++) {
      // Box–Muller; scaled by 1/√dim so that E[(Rᵀu)·(Rᵀv)] = u·v
      projection[i] = (Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())) / Math.sqrt(dim);
    }
    const load = (table: EmbeddingTable, ids: readonly string[], vectors: Float32Array) => {
      ids.forEach((id, row) => {
        const slot = table.force(id, now);
        const base = slot * dim;
        for (let j = 0; j < dim; j++) {
          let sum = 0;
          for (let f = 0; f < width; f++) sum += vectors[row * width + f]! * projection[f * dim + j]!;
          table.vectors[base + j] = sum;
        }
      });
      return ids.length;
    };
    this.predictedUser = undefined;
    // With the interaction weights at a constant c, every head's logit starts with c × (batch affinity).
    return { users: load(this.tables.users, factors.userIds, factors.userVectors), videos: load(this.tables.videos, factors.itemIds, factors.itemVectors) };
  }

  /** Frees vectors of ids unseen for the configured time; returns how many were expired per table. */
  expire(now: number): Record<TableName, number> {
    this.predictedUser = undefined;
    const expired = {} as Record<TableName, number>;
    for (const name of TABLES) expired[name] = this.tables[name].expire(now);
    return expired;
  }

  /** `tables: false`: everything but the embedding tables (`tables` is then empty), for a codec that takes them one by one. */
  snapshot(options: { tables?: boolean } = {}): RankerSnapshot {
    const tables = {} as Record<TableName, EmbeddingTableSnapshot>;
    if (options.tables !== false) for (const name of TABLES) tables[name] = this.tables[name].snapshot();
    return {
      options: { ...this.options },
      bias: Array.from(this.bias),
      biasAccumulator: Array.from(this.biasAccumulator),
      interaction: this.interaction.slice(),
      interactionAccumulator: this.interactionAccumulator.slice(),
      dense: this.dense.slice(),
      denseAccumulator: this.denseAccumulator.slice(),
      tables,
      updates: this.updates,
    };
  }

  static restore(snapshot: RankerSnapshot): MultiTaskRanker {
    const ranker = new MultiTaskRanker(snapshot.options);
    ranker.bias.set(snapshot.bias);
    ranker.biasAccumulator.set(snapshot.biasAccumulator);
    ranker.interaction.set(snapshot.interaction);
    ranker.interactionAccumulator.set(snapshot.interactionAccumulator);
    ranker.dense.set(snapshot.dense);
    ranker.denseAccumulator.set(snapshot.denseAccumulator);
    for (const name of TABLES) (ranker.tables as Record<TableName, EmbeddingTable>)[name] = EmbeddingTable.restore(snapshot.tables[name]);
    ranker.updates = snapshot.updates;
    return ranker;
  }

  private readonly slots = { user: -1, video: -1, creator: -1, sound: -1, hashtagCount: 0 };
  /**
   * itemKey × 3: video, creator and sound slots, -1 when not cached. A video without a slot is cached as
   * NO_VIDEO_SLOT: at a million videos many candidates have none yet (new, or seen once), and looking their id up
   * again for every request costs a read of the video's record and a hash of its id. Only learning gives a video a
   * slot, and it updates the entry then (cacheLearnedVideoSlot).
   */
  private slotCache = new Int32Array(0);
  private cacheReleases = 0;
  /** Hashtag number → slot, -1 when not cached; valid while the hashtag table's `releases` is unchanged. */
  private hashtagSlotCache = new Int32Array(0);
  private hashtagCacheReleases = 0;
  /** The user whose slot and vector are in `slots.user` and `user`, while only predictions happen. */
  private predictedUser: string | undefined;

  /** Resolves slots (touching ids when learning), builds user, item and z, and computes every head's logit. */
  private forward(input: RankerInput, touch: boolean, now: number): void {
    const { users, videos, creators, sounds, hashtags } = this.tables;
    const slots = this.slots;
    // A feed request scores hundreds of candidates for one user: look the user up once until something is learned.
    const sameUser = !touch && input.user === this.predictedUser;
    if (!sameUser) {
      slots.user = touch ? users.touch(input.user, now) : users.slotOf(input.user);
      this.predictedUser = touch ? undefined : input.user;
    }
    let hashtagCount = 0;
    if (touch) {
      input.ensureIds();
      slots.video = videos.touch(input.video, now);
      this.cacheLearnedVideoSlot(input.itemKey, slots.video);
      slots.creator = creators.touch(input.creator, now);
      slots.sound = input.sound === undefined ? -1 : sounds.touch(input.sound, now);
      const keyed = input.hashtagKeyCount >= 0;
      const count = keyed ? input.hashtagKeyCount : input.hashtags.length;
      if (count > this.hashtagSlots.length) this.hashtagSlots = new Int32Array(count * 2);
      for (let h = 0; h < count; h++) {
        const tag = keyed ? input.hashtagNames[input.hashtagKeys[h]!]! : input.hashtags[h]!;
        const slot = hashtags.touch(tag, now);
        if (slot >= 0) this.hashtagSlots[hashtagCount++] = slot;
      }
    } else {
      this.itemSlots(input);
      hashtagCount = this.hashtagSlotsOf(input);
    }
    slots.hashtagCount = hashtagCount;

    const dim = this.dim;
    const item = this.item;
    const user = this.user;
    item.fill(0);
    addVector(item, videos.vectors, slots.video, dim, 1);
    addVector(item, creators.vectors, slots.creator, dim, 1);
    addVector(item, sounds.vectors, slots.sound, dim, 1);
    for (let h = 0; h < hashtagCount; h++) addVector(item, hashtags.vectors, this.hashtagSlots[h]!, dim, 1 / hashtagCount);
    if (!sameUser) {
      user.fill(0);
      addVector(user, users.vectors, slots.user, dim, 1);
    }
    const z = this.z;
    for (let j = 0; j < dim; j++) z[j] = user[j]! * item[j]!;

    // Locals, not `this.` fields, in the innermost loops: V8 then keeps the typed arrays in registers.
    const bias = this.bias;
    const interaction = this.interaction;
    const denseWeights = this.dense;
    const x = input.dense;
    const logits = this.logits;
    for (let k = 0; k < HEAD_COUNT; k++) {
      let logit = bias[k]!;
      const base = k * dim;
      for (let j = 0; j < dim; j++) logit += interaction[base + j]! * z[j]!;
      const denseBase = k * DENSE_COUNT;
      for (let i = 0; i < DENSE_COUNT; i++) logit += denseWeights[denseBase + i]! * x[i]!;
      logits[k] = logit;
    }
  }

  /** Forgets a user (erasure): their vector as a viewer and as a creator, and the prediction cache holding it. */
  forgetUser(id: string): void {
    this.tables.users.remove(id);
    this.tables.creators.remove(id);
    this.predictedUser = undefined;
  }

  /** Forgets a user's vector as a viewer only (they reset their profile; their videos keep the creator vector). */
  forgetViewer(id: string): void {
    this.tables.users.remove(id);
    this.predictedUser = undefined;
  }

  /** Forgets a video (its uploader was erased). */
  forgetVideo(id: string, key: number): void {
    this.tables.videos.remove(id);
    this.forgetItemKey(key);
  }

  /** Keeps the slot cache true when learning gives the video of `key` a slot (or touches the one it has). */
  private cacheLearnedVideoSlot(key: number, slot: number): void {
    if (key >= 0 && slot >= 0 && key * 3 < this.slotCache.length) this.slotCache[key * 3] = slot;
  }

  /** Drops the cached slots of one item key (its video changed creator or sound). */
  forgetItemKey(key: number): void {
    if (key * 3 + 2 < this.slotCache.length) this.slotCache.fill(-1, key * 3, key * 3 + 3);
  }

  /**
   * Slots of the video, creator and sound while only predicting. Cached per `itemKey`: a slot, once given, stays the
   * id's until a slot is freed (then the cache is dropped); ids without a slot yet are looked up every time.
   */
  private itemSlots(input: RankerInput): void {
    const { videos, creators, sounds } = this.tables;
    const slots = this.slots;
    const key = input.itemKey;
    const releases = videos.releases + creators.releases + sounds.releases;
    if (releases !== this.cacheReleases) {
      this.slotCache.fill(-1);
      this.cacheReleases = releases;
    }
    if (key >= 0 && key * 3 + 2 < this.slotCache.length) {
      const base = key * 3;
      const cache = this.slotCache;
      let video = cache[base]!;
      let creator = cache[base + 1]!;
      let sound = cache[base + 2]!;
      if (video === -1 || creator < 0 || sound === -1) {
        input.ensureIds();
        if (video === -1) {
          const slot = videos.slotOf(input.video);
          cache[base] = video = slot >= 0 ? slot : NO_VIDEO_SLOT;
        }
        if (creator < 0) cache[base + 1] = creator = creators.slotOf(input.creator);
        // -2: the video has no sound (its key is forgotten if it gets one), so its ids need not be read again.
        if (sound === -1) cache[base + 2] = sound = input.sound === undefined ? -2 : sounds.slotOf(input.sound);
      }
      slots.video = video < 0 ? -1 : video;
      slots.creator = creator;
      slots.sound = sound < 0 ? -1 : sound;
      return;
    }
    if (key >= 0) {
      const grown = new Int32Array(Math.max((key + 1) * 3, this.slotCache.length * 2)).fill(-1);
      grown.set(this.slotCache);
      this.slotCache = grown;
      this.itemSlots(input);
      return;
    }
    input.ensureIds();
    slots.video = videos.slotOf(input.video);
    slots.creator = creators.slotOf(input.creator);
    slots.sound = input.sound === undefined ? -1 : sounds.slotOf(input.sound);
  }

  /**
   * The hashtags' slots into `hashtagSlots` while only predicting; returns how many have one. Keyed hashtags are
   * cached by number (a few thousand hashtags serve a million videos), so no hashtag string is hashed per candidate.
   */
  private hashtagSlotsOf(input: RankerInput): number {
    const hashtags = this.tables.hashtags;
    let count = 0;
    if (input.hashtagKeyCount < 0) {
      input.ensureIds();
      const tags = input.hashtags;
      if (tags.length > this.hashtagSlots.length) this.hashtagSlots = new Int32Array(tags.length * 2);
      for (let h = 0; h < tags.length; h++) {
        const slot = hashtags.slotOf(tags[h]!);
        if (slot >= 0) this.hashtagSlots[count++] = slot;
      }
      return count;
    }
    if (hashtags.releases !== this.hashtagCacheReleases) {
      this.hashtagSlotCache.fill(-1);
      this.hashtagCacheReleases = hashtags.releases;
    }
    const keyCount = input.hashtagKeyCount;
    if (keyCount > this.hashtagSlots.length) this.hashtagSlots = new Int32Array(keyCount * 2);
    for (let h = 0; h < keyCount; h++) {
      const key = input.hashtagKeys[h]!;
      if (key >= this.hashtagSlotCache.length) {
        const grown = new Int32Array(Math.max(key + 1, this.hashtagSlotCache.length * 2)).fill(-1);
        grown.set(this.hashtagSlotCache);
        this.hashtagSlotCache = grown;
      }
      let slot = this.hashtagSlotCache[key]!;
      if (slot < 0) this.hashtagSlotCache[key] = slot = hashtags.slotOf(input.hashtagNames[key]!);
      if (slot >= 0) this.hashtagSlots[count++] = slot;
    }
    return count;
  }

  private output(k: number, logit: number): number {
    if (IS_REGRESSION[k] === 1) return clamp(logit, 0, MAX_WATCH_RATIO_TARGET);
    const p = sigmoid(logit);
    // Fake-negative calibration: the head learned rate / (1 + rate).
    return IS_DELAYED[k] === 1 ? Math.min(1, p / (1 - p)) : p;
  }

  private updateVector(table: EmbeddingTable, slot: number, other: Float32Array, share: number): void {
    if (slot < 0) return;
    const lr = this.options.learningRate;
    const l2 = this.options.l2;
    const base = slot * this.dim;
    const vectors = table.vectors;
    const accumulators = table.accumulators;
    if (table.accumulatorWidth === 1) {
      // Row-wise: the row's accumulator sums the mean squared gradient; one step size for the whole row.
      let squares = 0;
      for (let j = 0; j < this.dim; j++) {
        const g = this.zGradient[j]! * other[j]! * share + l2 * vectors[base + j]!;
        squares += g * g;
      }
      if (squares === 0) return;
      accumulators[slot]! += squares / this.dim;
      const step = lr / (Math.sqrt(accumulators[slot]!) + ADAGRAD_EPSILON);
      for (let j = 0; j < this.dim; j++) vectors[base + j]! -= step * (this.zGradient[j]! * other[j]! * share + l2 * vectors[base + j]!);
      return;
    }
    for (let j = 0; j < this.dim; j++) {
      const g = this.zGradient[j]! * other[j]! * share + l2 * vectors[base + j]!;
      if (g === 0) continue;
      accumulators[base + j]! += g * g;
      vectors[base + j]! -= (lr * g) / (Math.sqrt(accumulators[base + j]!) + ADAGRAD_EPSILON);
    }
  }
}

function addVector(into: Float32Array, vectors: Float32Array, slot: number, dim: number, scale: number): void {
  if (slot < 0) return;
  const base = slot * dim;
  for (let j = 0; j < dim; j++) into[j]! += vectors[base + j]! * scale;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clamp(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}
