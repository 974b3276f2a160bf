/**
 * The user × item interaction matrix every batch model fits on, in compressed sparse row form (CSR by user) with
 * its transpose (CSR by item). Indices are dense integers (0…numUsers-1, 0…numItems-1): mapping ids to indices is
 * the caller's job, so models stay pure computation over typed arrays.
 */
export interface Interactions {
  readonly numUsers: number;
  readonly numItems: number;
  /** Items of user u are `userItems[userPtr[u] … userPtr[u+1])`, ascending and unique. */
  readonly userPtr: Int32Array;
  readonly userItems: Int32Array;
  /** Strength of each (user, item) interaction, parallel to `userItems` (1 for plain implicit feedback). */
  readonly userWeights: Float32Array;
  /** Users of item i are `itemUsers[itemPtr[i] … itemPtr[i+1])`, ascending. */
  readonly itemPtr: Int32Array;
  readonly itemUsers: Int32Array;
  readonly itemWeights: Float32Array;
}

/**
 * Builds the matrix from parallel arrays of (user, item, weight) triples. A pair given more than once keeps its
 * largest weight: repeating an interaction does not make it count twice.
 */
export function buildInteractions(
  numUsers: number,
  numItems: number,
  users: ArrayLike<number>,
  items: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Interactions {
  const n = users.length;
  if (items.length !== n || (weights && weights.length !== n)) throw new Error('users, items and weights must have the same length');
  const counts = new Int32Array(numUsers + 1);
  for (let e = 0; e < n; e++) {
    const u = users[e]!;
    const i = items[e]!;
    if (!(u >= 0 && u < numUsers) || !(i >= 0 && i < numItems)) throw new Error(`interaction ${e} is out of range`);
    counts[u + 1]++;
  }
  for (let u = 0; u < numUsers; u++) counts[u + 1] += counts[u]!;
  const cursor = counts.slice(0, numUsers);
  const rawItems = new Int32Array(n);
  const rawWeights = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    const at = cursor[users[e]!]!++;
    rawItems[at] = items[e]!;
    rawWeights[at] = weights ? weights[e]! : 1;
  }
  // Sort each row and merge duplicates.
  const userPtr = new Int32Array(numUsers + 1);
  let out = 0;
  const order: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const start = counts[u]!;
    const end = counts[u + 1]!;
    order.length = 0;
    for (let p = start; p < end; p++) order.push(p);
    order.sort((a, b) => rawItems[a]! - rawItems[b]!);
    const rowItems = order.map((p) => rawItems[p]!);
    const rowWeights = order.map((p) => rawWeights[p]!);
    for (let q = 0; q < rowItems.length; q++) {
      if (q > 0 && rowItems[q] === rawItems[out - 1] && out > userPtr[u]!) {
        if (rowWeights[q]! > rawWeights[out - 1]!) rawWeights[out - 1] = rowWeights[q]!;
        continue;
      }
      rawItems[out] = rowItems[q]!;
      rawWeights[out] = rowWeights[q]!;
      out++;
    }
    userPtr[u + 1] = out;
  }
  return fromUserCsr(numUsers, numItems, userPtr, rawItems.slice(0, out), rawWeights.slice(0, out));
}

/** Completes a user-CSR matrix (rows sorted, unique) with its item-CSR transpose. */
export function fromUserCsr(
  numUsers: number,
  numItems: number,
  userPtr: Int32Array,
  userItems: Int32Array,
  userWeights: Float32Array,
): Interactions {
  const nnz = userItems.length;
  const itemPtr = new Int32Array(numItems + 1);
  for (let p = 0; p < nnz; p++) itemPtr[userItems[p]! + 1]++;
  for (let i = 0; i < numItems; i++) itemPtr[i + 1] += itemPtr[i]!;
  const cursor = itemPtr.slice(0, numItems);
  const itemUsers = new Int32Array(nnz);
  const itemWeights = new Float32Array(nnz);
  for (let u = 0; u < numUsers; u++) {
    for (let p = userPtr[u]!; p < userPtr[u + 1]!; p++) {
      const at = cursor[userItems[p]!]!++;
      itemUsers[at] = u;
      itemWeights[at] = userWeights[p]!;
    }
  }
  return { numUsers, numItems, userPtr, userItems, userWeights, itemPtr, itemUsers, itemWeights };
}

/** Number of interactions. */
export function nnz(data: Interactions): number {
  return data.userItems.length;
}

/** Interaction count of every item (its popularity). */
export function itemCounts(data: Interactions): Int32Array {
  const counts = new Int32Array(data.numItems);
  for (let i = 0; i < data.numItems; i++) counts[i] = data.itemPtr[i + 1]! - data.itemPtr[i]!;
  return counts;
}

/** The items of one user as a view (no copy). */
export function userRow(data: Interactions, user: number): Int32Array {
  return data.userItems.subarray(data.userPtr[user]!, data.userPtr[user + 1]!);
}

export function userRowWeights(data: Interactions, user: number): Float32Array {
  return data.userWeights.subarray(data.userPtr[user]!, data.userPtr[user + 1]!);
}
