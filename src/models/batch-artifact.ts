/**
 * What `foryou train` saves for serving: the fitted model, the training histories it was fitted on (so serving
 * folds in each user from their full history, not only their latest events) and its rank calibration. One snapshot
 * (snapshot.ts bytes) whose single part is the model; the ids its indices stand for travel in the record's meta.
 */
import type { Interactions } from './interactions.js';
import type { ModelSnapshot, RetrievalModel } from './model.js';
import { modelFromSnapshot } from './registry.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

const ARTIFACT = 'served-batch';

export interface BatchArtifact {
  model: RetrievalModel;
  /** Training histories by user index: items of user u are `userItems[userPtr[u] … userPtr[u+1])`, ascending. */
  userPtr: Int32Array;
  userItems: Int32Array;
  userWeights: Float32Array;
  /** rankCalibration of the model: the prior of engagement at each rank. */
  calibration: Float32Array;
  /** Every training user's picks at the fit (user-picks.ts): `picks[u * picksPerUser + r]`, -1 after the last. */
  picks: Int32Array;
  picksPerUser: number;
}

export function encodeBatchArtifact(model: RetrievalModel, data: Interactions, calibration: Float32Array, picks: Int32Array): Uint8Array {
  const snapshot: ModelSnapshot = {
    model: ARTIFACT,
    params: { model: model.name, picksPerUser: data.numUsers > 0 ? picks.length / data.numUsers : 0 },
    arrays: { userPtr: data.userPtr, userItems: data.userItems, userWeights: data.userWeights, calibration, picks },
    parts: [model.snapshot()],
  };
  return encodeSnapshot(snapshot);
}

/** The artifact, or undefined for a snapshot saved before artifacts (a bare model: serving cannot fold users in). */
export function decodeBatchArtifact(bytes: Uint8Array): BatchArtifact | undefined {
  const snapshot = decodeSnapshot(bytes);
  if (snapshot.model !== ARTIFACT || snapshot.parts?.length !== 1) return undefined;
  const { userPtr, userItems, userWeights, calibration, picks } = snapshot.arrays;
  if (!(userPtr instanceof Int32Array) || !(userItems instanceof Int32Array) || !(picks instanceof Int32Array)) return undefined;
  if (!(userWeights instanceof Float32Array) || !(calibration instanceof Float32Array)) return undefined;
  const picksPerUser = Number(snapshot.params.picksPerUser);
  return { model: modelFromSnapshot(snapshot.parts[0]!), userPtr, userItems, userWeights, calibration, picks, picksPerUser };
}
