/**
 * A train/test pair as the evaluation protocol sees it: the training matrix over dense indices, and for every
 * user present in both files the set of relevant test items.
 *
 * Rules (the `foryou eval` contract): every (user, item) row in the test file is relevant for that user; only users
 * present in both files are scored; the ranking covers every item seen in training, minus the user's own training
 * items. A relevant item that training never saw still counts in |relevant| (it can never be hit).
 */
import { buildInteractions, type Interactions } from '../models/interactions.js';
import type { InteractionRows } from './interaction-csv.js';

export interface EvalDataset {
  train: Interactions;
  userIds: string[];
  itemIds: string[];
  /** Scored users (training indices), ascending. */
  testUsers: Int32Array;
  /** Relevant items of testUsers[t] that training knows: `testItems[testPtr[t] … testPtr[t+1])`, ascending. */
  testPtr: Int32Array;
  testItems: Int32Array;
  /** |relevant| of testUsers[t], counting test items unknown to training. */
  relevantCounts: Int32Array;
  /** Test rows whose user never appears in training (not scored). */
  skippedTestRows: number;
}

/** Indexes the training rows; every training interaction counts once with weight 1. */
export function indexTraining(rows: InteractionRows): { train: Interactions; userIds: string[]; itemIds: string[] } {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const userIds: string[] = [];
  const itemIds: string[] = [];
  const n = rows.users.length;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let u = userIndex.get(rows.users[r]!);
    if (u === undefined) {
      u = userIds.length;
      userIndex.set(rows.users[r]!, u);
      userIds.push(rows.users[r]!);
    }
    let i = itemIndex.get(rows.items[r]!);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(rows.items[r]!, i);
      itemIds.push(rows.items[r]!);
    }
    users[r] = u;
    items[r] = i;
  }
  return { train: buildInteractions(userIds.length, itemIds.length, users, items), userIds, itemIds };
}

export function buildEvalDataset(trainRows: InteractionRows, testRows: InteractionRows): EvalDataset {
  const { train, userIds, itemIds } = indexTraining(trainRows);
  const userIndex = new Map(userIds.map((id, u) => [id, u]));
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  // Distinct relevant item ids per scored user.
  const relevantByUser = new Map<number, Set<string>>();
  let skipped = 0;
  for (let r = 0; r < testRows.users.length; r++) {
    const u = userIndex.get(testRows.users[r]!);
    if (u === undefined) {
      skipped++;
      continue;
    }
    let set = relevantByUser.get(u);
    if (!set) relevantByUser.set(u, (set = new Set()));
    set.add(testRows.items[r]!);
  }
  const testUsers = Int32Array.from([...relevantByUser.keys()].sort((a, b) => a - b));
  const testPtr = new Int32Array(testUsers.length + 1);
  const relevantCounts = new Int32Array(testUsers.length);
  const known: number[] = [];
  for (let t = 0; t < testUsers.length; t++) {
    const set = relevantByUser.get(testUsers[t]!)!;
    relevantCounts[t] = set.size;
    const row: number[] = [];
    for (const id of set) {
      const i = itemIndex.get(id);
      if (i !== undefined) row.push(i);
    }
    row.sort((a, b) => a - b);
    for (const i of row) known.push(i);
    testPtr[t + 1] = known.length;
  }
  return {
    train,
    userIds,
    itemIds,
    testUsers,
    testPtr,
    testItems: Int32Array.from(known),
    relevantCounts,
    skippedTestRows: skipped,
  };
}
