/**
 * Top-k selection over a dense score vector with a min-heap of size k: O(n log k), no allocation when the caller
 * reuses `outItems`/`outScores`. Excluded items (a user's seen items, ascending) are skipped; ties go to the lower
 * index so results are deterministic.
 */
export function topK(
  scores: Float32Array | Float64Array,
  k: number,
  exclude: ArrayLike<number> | undefined,
  outItems: Int32Array,
  outScores: Float64Array,
): number {
  const n = scores.length;
  let size = 0;
  let ex = 0;
  const exLen = exclude ? exclude.length : 0;
  for (let i = 0; i < n; i++) {
    if (ex < exLen && exclude![ex] === i) {
      ex++;
      continue;
    }
    const s = scores[i]!;
    if (s !== s) continue; // NaN never ranks
    if (size < k) {
      // sift up
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (worse(outScores[parent]!, outItems[parent]!, s, i)) break;
        outScores[c] = outScores[parent]!;
        outItems[c] = outItems[parent]!;
        c = parent;
      }
      outScores[c] = s;
      outItems[c] = i;
    } else if (k > 0 && worse(outScores[0]!, outItems[0]!, s, i)) {
      siftDown(outItems, outScores, size, s, i);
    }
  }
  // Heap sort in place: repeatedly move the worst to the end → best first.
  for (let end = size - 1; end > 0; end--) {
    const s = outScores[end]!;
    const i = outItems[end]!;
    outScores[end] = outScores[0]!;
    outItems[end] = outItems[0]!;
    siftDown(outItems, outScores, end, s, i);
  }
  return size;
}

/** True when (sa, ia) ranks below (sb, ib). */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

function siftDown(items: Int32Array, scores: Float64Array, size: number, s: number, i: number): void {
  let c = 0;
  for (;;) {
    const left = 2 * c + 1;
    if (left >= size) break;
    let child = left;
    const right = left + 1;
    if (right < size && worse(scores[right]!, items[right]!, scores[left]!, items[left]!)) child = right;
    if (!worse(scores[child]!, items[child]!, s, i)) break;
    scores[c] = scores[child]!;
    items[c] = items[child]!;
    c = child;
  }
  scores[c] = s;
  items[c] = i;
}
