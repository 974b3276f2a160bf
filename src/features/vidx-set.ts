/**
 * A set of catalogue indexes (non-negative int32) in one open-addressing Int32Array. Each user's seen set lives in
 * one: at 10M events a `Set<number>` costs ~40 bytes per entry, this ~6–11 bytes, and membership stays exact, so
 * "the next page never repeats a video" holds without a probabilistic filter.
 */
const EMPTY = -1;
const INITIAL_CAPACITY = 8;

export class VidxSet {
  private slots = new Int32Array(INITIAL_CAPACITY).fill(EMPTY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The members in ascending order: what the set holds, whatever order they came in (a state digest compares it). */
  sortedMembers(): Int32Array {
    const members = new Int32Array(this.count);
    let n = 0;
    for (const value of this.slots) if (value !== EMPTY) members[n++] = value;
    return members.sort();
  }

  has(vidx: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hash(vidx) & mask; ; i = (i + 1) & mask) {
      const value = slots[i]!;
      if (value === vidx) return true;
      if (value === EMPTY) return false;
    }
  }

  add(vidx: number): this {
    // Grow at 3/4 load: probe chains stay short and there is always an empty slot to end a lookup.
    if ((this.count + 1) * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
    if (insert(this.slots, vidx)) this.count++;
    return this;
  }

  /** Removes `vidx`; true when it was present. Backward-shift deletion keeps every probe chain unbroken. */
  delete(vidx: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hash(vidx) & mask;
    while (slots[i] !== vidx) {
      if (slots[i] === EMPTY) return false;
      i = (i + 1) & mask;
    }
    // Move later entries of the chain into the hole when their home slot does not lie between the hole and them.
    for (let j = (i + 1) & mask; slots[j] !== EMPTY; j = (j + 1) & mask) {
      const home = hash(slots[j]!) & mask;
      const homeBetween = i <= j ? i < home && home <= j : i < home || home <= j;
      if (homeBetween) continue;
      slots[i] = slots[j]!;
      i = j;
    }
    slots[i] = EMPTY;
    this.count--;
    return true;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    for (let i = 0; i < old.length; i++) if (old[i] !== EMPTY) insert(this.slots, old[i]!);
  }
}

/** Inserts into a table that has a free slot; false when already present. */
function insert(slots: Int32Array, vidx: number): boolean {
  const mask = slots.length - 1;
  for (let i = hash(vidx) & mask; ; i = (i + 1) & mask) {
    const value = slots[i]!;
    if (value === vidx) return false;
    if (value === EMPTY) {
      slots[i] = vidx;
      return true;
    }
  }
}

/** Fibonacci hashing: consecutive indexes (a creator's uploads) spread over the table. */
function hash(vidx: number): number {
  return Math.imul(vidx, 0x9e3779b1) >>> 7;
}
