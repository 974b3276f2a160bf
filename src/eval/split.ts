/**
 * Validation holdouts cut from the training data (see models/validation.ts), as an EvalDataset, so the ordinary
 * runner and metrics can be used on them: hyperparameters are chosen without ever looking at a test file.
 */
import type { Interactions } from '../models/interactions.js';
import { holdout } from '../models/validation.js';
import type { EvalDataset } from './dataset.js';

export function holdoutSplit(data: Interactions, fraction: number, seed: number): EvalDataset {
  const split = holdout(data, fraction, seed);
  return {
    train: split.train,
    userIds: Array.from({ length: data.numUsers }, (_, u) => String(u)),
    itemIds: Array.from(split.itemMap, String),
    testUsers: split.users,
    testPtr: split.ptr,
    testItems: split.items,
    relevantCounts: split.relevantCounts,
    skippedTestRows: 0,
  };
}
