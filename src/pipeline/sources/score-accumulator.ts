/**
 * Sums scores per video over a request's few hundred entries: an open-addressing table over reused typed arrays,
 * cleared by walking only the slots used, so gathering neighbours allocates nothing per request.
 */
export class ScoreAccumulator {
  private keys: Int32Array;
  private values: Float64Array;
  /** Table positions in use, in insertion order: what `clear` resets and what callers iterate. */
  private used: Int32Array;
  size = 0;
  private mask: number;

  constructor(expectedEntries = 1024) {
    let capacity = 16;
    while (capacity < expectedEntries * 2) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(-1);
    this.values = new Float64Array(capacity);
    this.used = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  clear(): void {
    for (let i = 0; i < this.size; i++) this.keys[this.used[i]!] = -1;
    this.size = 0;
  }

  add(vidx: number, amount: number): void {
    if (this.size * 2 >= this.keys.length) this.grow();
    let position = Math.imul(vidx, 0x9e3779b1) & this.mask;
    for (;;) {
      const key = this.keys[position]!;
      if (key === vidx) {
        this.values[position]! += amount;
        return;
      }
      if (key === -1) {
        this.keys[position] = vidx;
        this.values[position] = amount;
        this.used[this.size++] = position;
        return;
      }
      position = (position + 1) & this.mask;
    }
  }

  has(vidx: number): boolean {
    let position = Math.imul(vidx, 0x9e3779b1) & this.mask;
    for (;;) {
      const key = this.keys[position]!;
      if (key === vidx) return true;
      if (key === -1) return false;
      position = (position + 1) & this.mask;
    }
  }

  /** The i-th distinct video added (0 ≤ i < size). */
  vidxAt(i: number): number {
    return this.keys[this.used[i]!]!;
  }

  scoreAt(i: number): number {
    return this.values[this.used[i]!]!;
  }

  private grow(): void {
    const entries = Array.from({ length: this.size }, (_, i) => [this.vidxAt(i), this.scoreAt(i)] as const);
    const capacity = this.keys.length * 2;
    this.keys = new Int32Array(capacity).fill(-1);
    this.values = new Float64Array(capacity);
    this.used = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (const [vidx, score] of entries) this.add(vidx, score);
  }
}
