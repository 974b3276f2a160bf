/**
 * Keeps the k best (score, vidx) pairs offered, in a min-heap over reused typed arrays: a source picks its top
 * candidates in O(n log k) without sorting everything it looked at, and without allocating per request.
 */
export class TopVideos {
  scores = new Float64Array(256);
  ids = new Int32Array(256);
  size = 0;
  private k = 0;

  /** Starts a new selection of at most `k`. */
  reset(k: number): void {
    if (k > this.scores.length) {
      this.scores = new Float64Array(k);
      this.ids = new Int32Array(k);
    }
    this.k = k;
    this.size = 0;
  }

  /** The lowest score kept once full, -∞ before: a caller can skip anything not above it. */
  get floor(): number {
    return this.size < this.k ? Number.NEGATIVE_INFINITY : this.scores[0]!;
  }

  offer(score: number, vidx: number): void {
    if (this.k === 0) return;
    const { scores, ids } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(score, vidx, scores[parent]!, ids[parent]!)) break;
        scores[i] = scores[parent]!;
        ids[i] = ids[parent]!;
        i = parent;
      }
      scores[i] = score;
      ids[i] = vidx;
      return;
    }
    if (!worse(scores[0]!, ids[0]!, score, vidx)) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && worse(scores[right]!, ids[right]!, scores[left]!, ids[left]!) ? right : left;
      if (!worse(scores[child]!, ids[child]!, score, vidx)) break;
      scores[i] = scores[child]!;
      ids[i] = ids[child]!;
      i = child;
    }
    scores[i] = score;
    ids[i] = vidx;
  }
}

/** True when (sa, ia) ranks below (sb, ib); ties go to the lower vidx so selections are deterministic. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}
