/**
 * Every class whose instances make up the online state, as the state codec must know them to write and rebuild them
 * (state-codec.ts). A class missing here fails the first snapshot with its name and path, never silently.
 */
import { BatchModelState } from '../features/batch-model-state.js';
import { CoEngagementIndex } from '../features/co-engagement-index.js';
import { EngagementLedger } from '../features/engagement-ledger.js';
import { FreshExposure } from '../features/fresh-exposure.js';
import { OnlineLearner } from '../features/online-learner.js';
import { OnlineState } from '../features/online-state.js';
import { RecencyIndex } from '../features/recency-index.js';
import { RecentRejections } from '../features/recent-rejections.js';
import { TopicIndex, TopicKeyList } from '../features/topic-index.js';
import { TopKeys, TrendingIndex } from '../features/trending-index.js';
import { UserDirectory, UserState } from '../features/user-state.js';
import { VideoCatalog } from '../features/video-catalog.js';
import { VideoEngagement } from '../features/video-engagement.js';
import { VideoVectorIndex } from '../features/video-vector-index.js';
import { VidxSet } from '../features/vidx-set.js';
import { EmbeddingTable } from '../models/online/embedding-table.js';
import { MultiTaskRanker } from '../models/online/multi-task-ranker.js';
import { RankerInput } from '../models/online/ranker-input.js';
import { RetrievalTower } from '../models/online/retrieval-tower.js';
import { ClassRegistry } from './state-codec.js';

export const STATE_CLASSES = new ClassRegistry([
  // The replication hook is the running service's, not the state's.
  { name: 'OnlineState', ctor: OnlineState, transient: ['onChange'] },
  { name: 'VideoCatalog', ctor: VideoCatalog },
  { name: 'VideoEngagement', ctor: VideoEngagement },
  { name: 'UserDirectory', ctor: UserDirectory },
  { name: 'UserState', ctor: UserState },
  { name: 'VidxSet', ctor: VidxSet, digestAs: (set: VidxSet) => set.sortedMembers() },
  { name: 'EngagementLedger', ctor: EngagementLedger },
  { name: 'RecentRejections', ctor: RecentRejections },
  { name: 'TrendingIndex', ctor: TrendingIndex, caches: ['byRegion', 'builtAt', 'builtVersion'] },
  { name: 'TopKeys', ctor: TopKeys },
  { name: 'RecencyIndex', ctor: RecencyIndex, caches: ['newestFirst', 'builtVersion', 'builtAt'] },
  { name: 'CoEngagementIndex', ctor: CoEngagementIndex, caches: ['pairScratch'] },
  { name: 'TopicIndex', ctor: TopicIndex },
  { name: 'TopicKeyList', ctor: TopicKeyList },
  { name: 'FreshExposure', ctor: FreshExposure },
  // A closure over the catalogue, remade on first use.
  { name: 'OnlineLearner', ctor: OnlineLearner, transient: ['negative'], caches: ['input', 'buffers'] },
  { name: 'RankerInput', ctor: RankerInput },
  {
    name: 'MultiTaskRanker',
    ctor: MultiTaskRanker,
    caches: ['item', 'user', 'z', 'zGradient', 'logits', 'errors', 'hashtagSlots', 'slots', 'slotCache', 'cacheReleases', 'hashtagSlotCache', 'hashtagCacheReleases', 'predictedUser'],
  },
  {
    name: 'RetrievalTower',
    ctor: RetrievalTower,
    caches: ['rows', 'norms', 'cosines', 'weights', 'partSlots', 'partTables', 'partShares', 'partCounts', 'unitUser', 'userGradient', 'rowGradient', 'directionScratch'],
  },
  { name: 'EmbeddingTable', ctor: EmbeddingTable },
  // hnswlib's native index is written beside the state by hnswlib itself; the tower is reached through the learner.
  { name: 'VideoVectorIndex', ctor: VideoVectorIndex, transient: ['index', 'tower', 'deferRefresh'], caches: ['refreshQueued'] },
  // The fitted model's arrays are the store's model record, reloaded by its version.
  {
    name: 'BatchModelState',
    ctor: BatchModelState,
    transient: ['artifact'],
    caches: ['strength', 'touched', 'history', 'scores', 'folded', 'topValues', 'deep', 'deepValues'],
  },
]);
