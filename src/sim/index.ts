/** The simulator's public surface: a synthetic world, its event stream, its ground truth, and ways to store it. */
export { createWorld, DEFAULT_WORLD_OPTIONS, type World, type WorldOptions, type LatentState } from './world.js';
export { generateEvents, EVENT_WINDOW_MS, type EventOptions } from './events.js';
export {
  groundTruth,
  groundTruthById,
  affinity,
  engagement,
  expectedWatchRatio,
  pFinish,
  pLike,
  pShare,
  pComment,
  pFollow,
  pSkip,
  pNotInterested,
  sampleResponse,
  emptyResponse,
  CatalogueWatchRatios,
  type GroundTruth,
  type ViewerResponse,
} from './ground-truth.js';
export { WatchRatioOracle } from './watch-ratio-oracle.js';
export { writeWorldFiles, clientEvent, type WorldFileFormat, type WriteWorldOptions, type WorldFiles } from './write-files.js';
export { loadWorldIntoStore, type LoadOptions, type LoadProgress, type LoadResult } from './load-into-store.js';
export { Random } from './random.js';
export { TOPICS, REGIONS, type Topic } from './topics.js';
