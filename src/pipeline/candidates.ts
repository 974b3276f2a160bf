/**
 * The candidates of one feed request, deduplicated across sources. Columns in typed arrays, slots found through a
 * generation-stamped array over the catalogue, so building a request's candidate set allocates nothing per item.
 */
/** Bits of a candidate's source mask (source-bits.ts checks that every source has one). */
export const MAX_SOURCES = 16;

export class CandidateSet {
  size = 0;
  vidx = new Int32Array(1024);
  /** Bit i set when source i proposed the candidate. */
  sourceMask = new Uint16Array(1024);
  /** Raw score per source: rawScore[slot * MAX_SOURCES + sourceBit]. */
  rawScore = new Float64Array(1024 * MAX_SOURCES);
  /** 0 once a filter removed the candidate. */
  kept = new Uint8Array(1024);
  score = new Float64Array(1024);
  private stamp = new Uint32Array(0);
  private slotOf = new Int32Array(0);
  private generation = 0;

  /** Starts a new request over a catalogue of `catalogSize` videos. */
  reset(catalogSize: number): void {
    if (this.stamp.length < catalogSize) {
      const capacity = Math.max(catalogSize, this.stamp.length * 2);
      this.stamp = new Uint32Array(capacity);
      this.slotOf = new Int32Array(capacity);
      this.generation = 0;
    }
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    this.size = 0;
  }

  has(vidx: number): boolean {
    return this.stamp[vidx] === this.generation;
  }

  /** The slot of a candidate; only valid when `has(vidx)`. */
  slotFor(vidx: number): number {
    return this.slotOf[vidx]!;
  }

  /** Adds a candidate from source `sourceBit`, or merges the source into the existing one. */
  add(vidx: number, sourceBit: number, raw: number): void {
    let slot: number;
    if (this.stamp[vidx] === this.generation) {
      slot = this.slotOf[vidx]!;
    } else {
      slot = this.size++;
      if (slot >= this.vidx.length) this.grow();
      this.stamp[vidx] = this.generation;
      this.slotOf[vidx] = slot;
      this.vidx[slot] = vidx;
      this.sourceMask[slot] = 0;
      this.kept[slot] = 1;
      this.score[slot] = 0;
      this.rawScore.fill(0, slot * MAX_SOURCES, (slot + 1) * MAX_SOURCES);
    }
    this.sourceMask[slot]! |= 1 << sourceBit;
    this.rawScore[slot * MAX_SOURCES + sourceBit] = raw;
  }

  private grow(): void {
    const capacity = this.vidx.length * 2;
    const vidx = new Int32Array(capacity);
    vidx.set(this.vidx);
    this.vidx = vidx;
    const mask = new Uint16Array(capacity);
    mask.set(this.sourceMask);
    this.sourceMask = mask;
    const raw = new Float64Array(capacity * MAX_SOURCES);
    raw.set(this.rawScore);
    this.rawScore = raw;
    const kept = new Uint8Array(capacity);
    kept.set(this.kept);
    this.kept = kept;
    const score = new Float64Array(capacity);
    score.set(this.score);
    this.score = score;
  }
}
