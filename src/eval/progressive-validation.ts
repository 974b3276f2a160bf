/**
 * Progressive validation ("predict, then learn") of the online ranker over a time-ordered event stream. Every view
 * (a play or skip) is first predicted, then learned from; its labels are what the user eventually did with that
 * video (finish at once; like later in the stream). The same views are scored by a copy of the ranker frozen after
 * the warm-up and, when the stream is simulated, by the simulator's ground truth: the oracle.
 */
import { DEFAULT_ALGORITHM } from '../core/algorithm.js';
import type { AcceptedEvent, User, Video } from '../core/schemas.js';
import { fillRankerInput } from '../features/ranker-features.js';
import { OnlineState } from '../features/online-state.js';
import { labelEvent, newLabelBuffers, FINISH_RATIO } from '../models/online/event-labels.js';
import { HEAD_COUNT, HEAD_INDEX, HEADS, MAX_WATCH_RATIO_TARGET, REGRESSION_HEADS, type Head } from '../models/online/heads.js';
import { MultiTaskRanker, type RankerOptions, DEFAULT_RANKER_OPTIONS } from '../models/online/multi-task-ranker.js';
import { RankerInput } from '../models/online/ranker-input.js';
import { areaUnderCurve, logLoss } from './classification-metrics.js';

export type Oracle = (user: string, video: string) => { pLike: number; pFinish: number } | undefined;

export interface HeadScores {
  auc: number;
  logLoss: number;
  positives: number;
  views: number;
}

export interface ProgressiveReport {
  events: number;
  warmupEvents: number;
  views: number;
  eventsLearnedPerSec: number;
  online: { like: HeadScores; finish: HeadScores };
  frozen: { like: HeadScores; finish: HeadScores };
  oracle?: { like: HeadScores; finish: HeadScores };
  /**
   * Every head, online and frozen: P(play) on impressions (did a play follow?), the others on views; watchRatio as
   * root-mean-square error against the watched share (capped at 3).
   */
  heads: Record<Head, { online: HeadScores | RegressionScores; frozen: HeadScores | RegressionScores }>;
}

export interface RegressionScores {
  rmse: number;
  views: number;
}

export interface ProgressiveOptions {
  warmupEvents: number;
  ranker?: RankerOptions;
  oracle?: Oracle;
}

const key = (user: string, video: string) => `${user}\u0000${video}`;

export function progressiveValidation(
  videos: readonly Video[],
  users: readonly User[],
  events: readonly AcceptedEvent[],
  options: ProgressiveOptions,
): ProgressiveReport {
  const state = new OnlineState(DEFAULT_ALGORITHM, { learn: false });
  for (const video of videos) state.putVideo(video);
  for (const user of users) state.putUser(user);
  // What each (user, video) pair eventually got, for the delayed heads' labels.
  const later = new Map<Head, Set<string>>(DELAYED_HEAD_EVENTS.map(([head]) => [head, new Set<string>()]));
  for (const event of events) {
    if (event.video === null) continue;
    for (const [head, types] of DELAYED_HEAD_EVENTS) if (types.includes(event.type)) later.get(head)!.add(key(event.user, event.video));
  }
  const perHead = HEADS.map(() => ({ online: [] as number[], frozen: [] as number[], labels: [] as number[] }));
  const observe = (head: Head, label: number) => {
    const k = HEAD_INDEX[head];
    perHead[k]!.online.push(before[k]!);
    perHead[k]!.frozen.push(frozenOut[k]!);
    perHead[k]!.labels.push(label);
  };

  const online = new MultiTaskRanker(options.ranker ?? DEFAULT_RANKER_OPTIONS);
  let frozen: MultiTaskRanker | undefined;
  const input = new RankerInput();
  const { labels, mask } = newLabelBuffers();
  const before = new Float64Array(HEAD_COUNT);
  const frozenOut = new Float64Array(HEAD_COUNT);
  const scores = { online: newScores(), frozen: newScores(), oracle: newScores() };
  let views = 0;
  let learningMs = 0;

  events.forEach((event, index) => {
    if (index === options.warmupEvents) frozen = MultiTaskRanker.restore(online.snapshot());
    const vidx = event.video === null ? undefined : state.catalog.vidx(event.video);
    if (vidx !== undefined) {
      const user = state.userOrImplicit(event.user, event.ts);
      const watchRatio = event.watchMs === null ? Number.NaN : event.watchMs / state.catalog.durationMs[vidx]!;
      if (labelEvent(event.type, watchRatio, labels, mask)) {
        fillRankerInput(state, user, vidx, event.ts, input);
        const started = performance.now();
        online.learn(input, labels, mask, event.ts, before);
        learningMs += performance.now() - started;
        const isView = event.type === 'play' || event.type === 'skip';
        if (event.type === 'impression' && frozen) {
          frozen.predict(input, frozenOut);
          observe('play', later.get('play')!.has(key(event.user, event.video!)) ? 1 : 0);
        }
        if (isView && frozen) {
          const pair = key(event.user, event.video!);
          views++;
          const liked = later.get('like')!.has(pair) ? 1 : 0;
          const finished = event.type === 'play' && watchRatio >= FINISH_RATIO ? 1 : 0;
          frozen.predict(input, frozenOut);
          for (const [head] of DELAYED_HEAD_EVENTS) if (head !== 'play') observe(head, later.get(head)!.has(pair) ? 1 : 0);
          observe('finish', finished);
          observe('skip', event.type === 'skip' ? 1 : 0);
          observe('watchRatio', Math.min(Number.isFinite(watchRatio) ? watchRatio : 0, MAX_WATCH_RATIO_TARGET));
          record(scores.online, before[HEAD_INDEX.like]!, before[HEAD_INDEX.finish]!, liked, finished);
          record(scores.frozen, frozenOut[HEAD_INDEX.like]!, frozenOut[HEAD_INDEX.finish]!, liked, finished);
          const truth = options.oracle?.(event.user, event.video!);
          if (truth) record(scores.oracle, truth.pLike, truth.pFinish, liked, finished);
        }
      }
    }
    state.applyEvent(event);
  });

  const report: ProgressiveReport = {
    events: events.length,
    warmupEvents: options.warmupEvents,
    views,
    eventsLearnedPerSec: Math.round(events.length / (learningMs / 1000)),
    online: summarise(scores.online),
    frozen: summarise(scores.frozen),
    heads: Object.fromEntries(
      HEADS.map((head, k) => {
        const { online, frozen, labels } = perHead[k]!;
        const score = (predictions: number[]) =>
          REGRESSION_HEADS.has(head) ? regression(predictions, labels) : classification(predictions, labels);
        return [head, { online: score(online), frozen: score(frozen) }];
      }),
    ) as ProgressiveReport['heads'],
  };
  if (options.oracle) report.oracle = summarise(scores.oracle);
  return report;
}

interface Collected {
  like: number[];
  likeLabels: number[];
  finish: number[];
  finishLabels: number[];
}

function newScores(): Collected {
  return { like: [], likeLabels: [], finish: [], finishLabels: [] };
}

function record(into: Collected, like: number, finish: number, liked: number, finished: number): void {
  into.like.push(like);
  into.likeLabels.push(liked);
  into.finish.push(finish);
  into.finishLabels.push(finished);
}

/** Heads whose label is whether a later event of these types happened for the same user and video. */
const DELAYED_HEAD_EVENTS: ReadonlyArray<[Head, readonly string[]]> = [
  ['play', ['play']],
  ['like', ['like']],
  ['share', ['share']],
  ['comment', ['comment']],
  ['follow', ['follow']],
  ['notInterested', ['not_interested', 'report']],
];

function classification(predictions: number[], labels: number[]): HeadScores {
  return {
    auc: areaUnderCurve(predictions, labels),
    logLoss: logLoss(predictions, labels),
    positives: labels.reduce((a, b) => a + b, 0),
    views: labels.length,
  };
}

function regression(predictions: number[], targets: number[]): RegressionScores {
  let squared = 0;
  predictions.forEach((p, i) => (squared += (p - targets[i]!) ** 2));
  return { rmse: Math.sqrt(squared / Math.max(1, predictions.length)), views: predictions.length };
}

function summarise(scores: Collected): { like: HeadScores; finish: HeadScores } {
  const head = (predictions: number[], labels: number[]): HeadScores => ({
    auc: areaUnderCurve(predictions, labels),
    logLoss: logLoss(predictions, labels),
    positives: labels.reduce((a, b) => a + b, 0),
    views: labels.length,
  });
  return { like: head(scores.like, scores.likeLabels), finish: head(scores.finish, scores.finishLabels) };
}
