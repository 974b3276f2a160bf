/**
 * Fits a batch retrieval model on the store's positive engagement and saves it as the next version of its
 * snapshot, ready to serve (batch-artifact.ts): what `foryou train` does, and what `foryou serve` runs in the
 * background (batch-retrainer.ts) so the model keeps up with the log.
 */
import type { Store } from '../store/store.js';
import { encodeBatchArtifact } from './batch-artifact.js';
import { DEFAULT_ENGAGEMENT, EngagementCollector } from './engagement.js';
import type { FitOptions } from './model.js';
import { rankCalibration } from './rank-calibration.js';
import { PICKS_PER_USER, precomputePicks } from './user-picks.js';
import { capItems } from './item-cap.js';
import { createModel, type ModelName } from './registry.js';

/** `auto`: `best` while the (capped) catalogue is small enough to score in full per request, else `ials`. */
export type BatchModelChoice = ModelName | 'auto';

/** Above this many items `auto` fits iALS alone: `best`'s EASE and RP3beta parts cost more per request. */
export const AUTO_BEST_MAX_ITEMS = 50_000;

export interface BatchTrainingOptions {
  minWatchRatio?: number;
  /** The most engaged items the model keeps (item-cap.ts); default: all. */
  maxItems?: number;
  threads?: number;
  onProgress?: FitOptions['onProgress'];
  /** Told of the data's size once the events are read. */
  log?: (line: string) => void;
}

export interface BatchTrainingResult {
  model: ModelName;
  version: number;
  users: number;
  items: number;
  interactions: number;
  events: number;
  /** The log position of the last event the model was fitted on: serving folds in what came after. */
  seq: number;
  bytes: number;
  trainSeconds: number;
}

export class NothingToTrainError extends Error {
  constructor() {
    super('the store holds no positive engagement to train on');
    this.name = 'NothingToTrainError';
  }
}

export async function trainBatchModel(store: Store, choice: BatchModelChoice, options: BatchTrainingOptions = {}): Promise<BatchTrainingResult> {
  const minWatchRatio = options.minWatchRatio ?? DEFAULT_ENGAGEMENT.minWatchRatio;
  const collector = new EngagementCollector({ ...DEFAULT_ENGAGEMENT, minWatchRatio });
  // A user who reset their profile asked that what they did before no longer shapes their recommendations.
  const resets = await store.profileResets();
  // Read first: an event stored after this is either in the scan below as well (and, counted as after the fit,
  // replayed into a history that holds it already: a strength is a maximum) or after the fit for good.
  const extent = await store.eventLogExtent();
  // Only the rows that can make or veto an interaction, with their video's duration joined in by the store: at 10M
  // events, an object per event and a map of every video's duration were half of a background fit's memory.
  for await (const rows of store.scanEngagement(collector.relevantTypes)) {
    for (const [seq, user, video, type, watchMs, durationMs] of rows) {
      if (resets.size > 0 && seq <= (resets.get(user) ?? 0)) continue;
      collector.addEvent(user, video, type, watchMs, durationMs);
    }
  }
  const { lastSeq: seq, events } = extent;
  const capped = capItems(collector.build(), collector.itemIds, options.maxItems ?? Number.POSITIVE_INFINITY);
  const { data, itemIds } = capped;
  if (data.userItems.length === 0) throw new NothingToTrainError();
  const name: ModelName = choice !== 'auto' ? choice : data.numItems <= AUTO_BEST_MAX_ITEMS ? 'best' : 'ials';
  options.log?.(`train: ${events} events → ${data.userItems.length} interactions of ${data.numUsers} users with ${data.numItems} videos`);
  const model = createModel(name);
  const started = performance.now();
  await model.fit(data, { threads: options.threads, onProgress: options.onProgress });
  const calibration = rankCalibration(model, data);
  const picks = precomputePicks(model, data, PICKS_PER_USER, (done, total) => options.onProgress?.('picks', done, total));
  const trainSeconds = Math.round(performance.now() - started) / 1000;
  const bytes = encodeBatchArtifact(model, data, calibration, picks);
  const version = await store.saveModelSnapshot(name, bytes, {
    model: name,
    users: data.numUsers,
    items: data.numItems,
    interactions: data.userItems.length,
    events,
    seq,
    minWatchRatio,
    trainSeconds,
    itemIds,
    userIds: collector.userIds,
  });
  return {
    model: name,
    version,
    users: data.numUsers,
    items: data.numItems,
    interactions: data.userItems.length,
    events,
    seq,
    bytes: bytes.byteLength,
    trainSeconds,
  };
}
