/**
 * Quality and speed of the ANN index behind the embedding source: recall@k of its answers against an exact
 * (brute-force) cosine search over the same unit vectors, for the query vectors of real users, and queries per
 * second of each. What the bench reports as `annRecallAt100`.
 */
import { DEFAULT_ALGORITHM } from '../core/algorithm.js';
import type { AcceptedEvent, User, Video } from '../core/schemas.js';
import { OnlineState } from '../features/online-state.js';
import { topK } from '../models/top-k.js';

/** What a video is really worth to a user (the simulator's hidden ground truth), for judging retrieval. */
export type RetrievalOracle = (user: string, video: string) => number | undefined;

export interface AnnRecall {
  /** Mean over queries of |ANN top k ∩ exact top k| / |exact top k|. */
  recall: number;
  /**
   * With an oracle: the mean true value of the ANN's top k and of the exact top k. Recall counts a miss even when
   * the index returns a video that is just as good instead; these say whether the misses cost the user anything.
   */
  annTrueValue?: number;
  exactTrueValue?: number;
  k: number;
  queries: number;
  vectors: number;
  annQueriesPerSec: number;
  exactQueriesPerSec: number;
}

/**
 * Recall@k of `state.videoVectors` for up to `queries` users (spread evenly over `userIds`, those without a
 * learned vector skipped). Pending refreshes are flushed first, so the index and the exact search see the same
 * vectors and the figure measures the approximate search alone.
 */
export function measureAnnRecall(
  state: OnlineState,
  userIds: readonly string[],
  options: { queries?: number; k?: number; oracle?: RetrievalOracle } = {},
): AnnRecall {
  const index = state.videoVectors;
  const tower = state.learner?.retrieval;
  if (!index || !tower) throw new Error('the state has no retrieval tower, so no video vector index');
  const k = options.k ?? 100;
  const wantedQueries = options.queries ?? 1000;
  index.flushAll();
  const dim = tower.dim;

  const queryVectors = new Float32Array(wantedQueries * dim);
  const queryUsers: string[] = [];
  const query = new Float32Array(dim);
  let queries = 0;
  const step = Math.max(1, Math.floor(userIds.length / wantedQueries));
  for (let i = 0; i < userIds.length && queries < wantedQueries; i += step) {
    if (!tower.userQuery(userIds[i]!, query)) continue;
    queryVectors.set(query, queries * dim);
    queryUsers.push(userIds[i]!);
    queries++;
  }
  const { vidx, vectors } = index.currentVectors();
  const count = vidx.length;
  if (queries === 0 || count === 0) return { recall: 0, k, queries, vectors: count, annQueriesPerSec: 0, exactQueriesPerSec: 0 };
  const wanted = Math.min(k, count);

  let started = performance.now();
  const approximate: Int32Array[] = [];
  for (let q = 0; q < queries; q++) {
    const found = index.search(queryVectors.subarray(q * dim, (q + 1) * dim), wanted);
    approximate.push(index.resultVidx.slice(0, found));
  }
  const annSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  let hits = 0;
  let relevant = 0;
  const oracle = options.oracle;
  const trueValue = { ann: 0, exact: 0, count: 0 };
  const valueOf = (user: string, list: Iterable<number>): number => {
    let sum = 0;
    let n = 0;
    for (const v of list) {
      const value = oracle!(user, state.catalog.ids[v]!);
      if (value === undefined) continue;
      sum += value;
      n++;
    }
    return n === 0 ? 0 : sum / n;
  };
  const scores = new Float64Array(count);
  const topItems = new Int32Array(wanted);
  const topScores = new Float64Array(wanted);
  for (let q = 0; q < queries; q++) {
    // Brute force, one query at a time on one thread, like the ANN side, so the two speeds compare.
    const offset = q * dim;
    for (let row = 0; row < count; row++) {
      let product = 0;
      for (let j = 0; j < dim; j++) product += queryVectors[offset + j]! * vectors[row * dim + j]!;
      scores[row] = product;
    }
    const found = topK(scores, wanted, undefined, topItems, topScores);
    const truth = new Set<number>();
    for (let i = 0; i < found; i++) truth.add(vidx[topItems[i]!]!);
    relevant += truth.size;
    for (const result of approximate[q]!) if (truth.has(result)) hits++;
    if (oracle) {
      trueValue.ann += valueOf(queryUsers[q]!, approximate[q]!);
      trueValue.exact += valueOf(queryUsers[q]!, truth);
      trueValue.count++;
    }
  }
  const exactSeconds = (performance.now() - started) / 1000;
  return {
    recall: relevant === 0 ? 0 : hits / relevant,
    ...(oracle && trueValue.count > 0
      ? { annTrueValue: trueValue.ann / trueValue.count, exactTrueValue: trueValue.exact / trueValue.count }
      : {}),
    k,
    queries,
    vectors: count,
    annQueriesPerSec: Math.round(queries / annSeconds),
    exactQueriesPerSec: Math.round(queries / exactSeconds),
  };
}

export interface AnnBench {
  annRecallAt100: number;
  /** The search expansion the index serves with (hnswlib raises it to the number of results asked). */
  annExpansionSearch: number;
  /**
   * The simulator's true expected watch ratio of the ANN's top 100 and of the exact top 100 (by cosine), averaged
   * over the queries: the retrieval quality the recall figure stands in for.
   */
  annTop100TrueWatchRatio?: number;
  exactTop100TrueWatchRatio?: number;
  annQueriesPerSec: number;
  exactQueriesPerSec: number;
  annVectors: number;
  /** Building the whole index from a trained ranker, as a start without a usable snapshot does. */
  annBuildSeconds: number;
  /** The index's saved size (graph and vectors, what it holds in memory) scaled to one million vectors. */
  annMbPerMillion: number;
}

/**
 * The bench's figures for a world: learns `events` with the online models, builds the index from the retrieval
 * tower in one go and
 * measures recall@100 against exact search for `queries` users.
 */
export function benchAnn(
  videos: readonly Video[],
  users: readonly User[],
  events: readonly AcceptedEvent[],
  oracle?: RetrievalOracle,
  queries = 1000,
): AnnBench {
  const state = new OnlineState(DEFAULT_ALGORITHM);
  const index = state.videoVectors!;
  index.defer();
  for (const video of videos) state.putVideo(video);
  for (const user of users) state.putUser(user);
  for (const event of events) state.applyEvent(event);
  const started = performance.now();
  index.attach();
  const annBuildSeconds = (performance.now() - started) / 1000;
  const result = measureAnnRecall(state, users.map((user) => user.id), { queries, k: 100, ...(oracle ? { oracle } : {}) });
  const bytes = index.savedSizeBytes();
  return {
    annRecallAt100: round(result.recall),
    annExpansionSearch: index.options.expansionSearch,
    ...(result.annTrueValue === undefined ? {} : { annTop100TrueWatchRatio: round(result.annTrueValue) }),
    ...(result.exactTrueValue === undefined ? {} : { exactTop100TrueWatchRatio: round(result.exactTrueValue) }),
    annQueriesPerSec: result.annQueriesPerSec,
    exactQueriesPerSec: result.exactQueriesPerSec,
    annVectors: result.vectors,
    annBuildSeconds: round(annBuildSeconds),
    annMbPerMillion: result.vectors === 0 ? 0 : round((bytes / 1e6) * (1e6 / result.vectors)),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
