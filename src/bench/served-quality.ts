/**
 * What the served feed is worth by the simulator's hidden truth: for users spread evenly over the world, the mean
 * true expected watch ratio of their first two personalised pages as a running server serves them (`servedTrue`),
 * against two baselines worked out from the world alone: as many random videos the server could have served them
 * (`randomTrue`, the floor) and the best ones (`oracleTrue`, the ceiling), and the share of that gap the feed
 * captures, (served − random) / (oracle − random).
 *
 * "Could have served" is what the server's filters allow in the world as loaded: live, no event of the user's with
 * the video (the seen filter; of the simulator's events only follows do not mark a video seen, and each follows a
 * play of it), not their own and not of a creator they marked not interested (the creator filter). The sound filter
 * (a sound hidden after two not-interested marks of its videos) is left out: the baselines may count a few videos
 * the server would not serve.
 */
import type { AcceptedEvent } from '../core/schemas.js';
import { expectedWatchRatio } from '../sim/ground-truth.js';
import { Random } from '../sim/random.js';
import { WatchRatioOracle } from '../sim/watch-ratio-oracle.js';
import type { World } from '../sim/world.js';

export const QUALITY_PAGE_SIZE = 10;
export const QUALITY_PAGES = 2;

export interface ServedQuality {
  /** Mean over the sampled users of the true expected watch ratio of the items of their first two pages. */
  servedTrue: number;
  /** The same of 20 random videos each could have been served. */
  randomTrue: number;
  /** The same of the 20 best videos each could have been served. */
  oracleTrue: number;
  /** (served − random) / (oracle − random): 0 is no better than random, 1 the oracle. */
  capture: number;
  /** Users sampled (and served). */
  users: number;
  /** Items served to them in all (20 each unless a page came back short). */
  servedItems: number;
}

export interface QualityBaselines {
  randomTrue: number;
  oracleTrue: number;
  /** Users with at least one servable video (the means are over them). */
  users: number;
}

export interface ServedTrue {
  servedTrue: number;
  /** Users served at least one item (the mean is over them). */
  users: number;
  items: number;
}

/** One page of a user's personalised feed: the `GET /v1/feed/:user` answer, as far as it is read here. */
export interface FeedPageAnswer {
  items: Array<{ video: { id: string } }>;
  cursor: string | null;
}
export type FeedPageFetcher = (user: string, cursor: string | undefined) => Promise<FeedPageAnswer>;

/** `count` user indexes spread evenly over `userCount` users (all of them when there are fewer). */
export function sampleUsers(userCount: number, count: number): Int32Array {
  const n = Math.min(count, userCount);
  return Int32Array.from({ length: n }, (_, i) => Math.floor((i * userCount) / n));
}

/**
 * What the sampled users did in the world as loaded, collected from its event stream (`observe` every event stored,
 * in any order): the videos they have an event with and the creators they marked not interested.
 */
export class SampledHistories {
  /** Per sampled user (position in `users`): video indexes they have events with, repeats included. */
  readonly videos: number[][];
  /** Per sampled user: user indexes of the creators they marked not interested. */
  readonly notInterestedCreators: number[][];
  private readonly slotOf = new Map<string, number>();

  constructor(
    private readonly world: World,
    readonly users: Int32Array,
  ) {
    users.forEach((user, slot) => this.slotOf.set(world.users[user]!.id, slot));
    this.videos = Array.from(users, () => []);
    this.notInterestedCreators = Array.from(users, () => []);
  }

  observe(event: AcceptedEvent): void {
    const slot = this.slotOf.get(event.user);
    if (slot === undefined) return;
    if (event.video !== null) this.videos[slot]!.push(this.world.videoIndexById.get(event.video)!);
    if (event.type === 'not_interested' && event.creator !== null) {
      this.notInterestedCreators[slot]!.push(this.world.userIndexById.get(event.creator)!);
    }
  }
}

/**
 * The random and oracle baselines: per sampled user, the mean true expected watch ratio of `perUser` random
 * servable videos (drawn with `seed`) and of their `perUser` best (WatchRatioOracle, which evaluates only the videos
 * that could make the cut); then the mean over users. The servable set is a mask over the catalogue, marked and
 * unmarked per user, so a user costs in proportion to their history, not to the catalogue.
 */
export function qualityBaselines(
  world: World,
  histories: SampledHistories,
  perUser: number,
  seed: number,
): QualityBaselines {
  const oracle = new WatchRatioOracle(world);
  const { videoLive } = world.latent;
  const videoCount = videoLive.length;
  // 1: never servable (not live); 2: not servable to the current user; 3: drawn for them already.
  const excluded = Uint8Array.from(videoLive, (live) => (live ? 0 : 1));
  const liveCount = videoCount - excluded.reduce((sum, flag) => sum + flag, 0);
  const byCreator = videosByCreator(world);
  const best = new Float64Array(perUser);
  const random = new Random(seed);
  let oracleSum = 0;
  let randomSum = 0;
  let users = 0;

  histories.users.forEach((user, slot) => {
    const marked: number[] = [];
    const mark = (video: number, flag: number) => {
      if (excluded[video] !== 0) return;
      excluded[video] = flag;
      marked.push(video);
    };
    for (const video of histories.videos[slot]!) mark(video, 2);
    for (const creator of [user, ...histories.notInterestedCreators[slot]!]) {
      for (let i = byCreator.start[creator]!; i < byCreator.start[creator + 1]!; i++) mark(byCreator.videos[i]!, 2);
    }
    const servable = liveCount - marked.length;
    if (servable > 0) {
      users++;
      const found = oracle.best(user, excluded, best);
      let sum = 0;
      for (let i = 0; i < found; i++) sum += best[i]!;
      oracleSum += sum / found;

      // Distinct random servable videos; all of them when there are no more than perUser.
      sum = 0;
      let drawn = 0;
      if (servable <= perUser) {
        for (let video = 0; video < videoCount; video++) {
          if (excluded[video] !== 0) continue;
          sum += expectedWatchRatio(world, user, video);
          drawn++;
        }
      } else {
        while (drawn < perUser) {
          const video = random.int(videoCount);
          if (excluded[video] !== 0) continue;
          mark(video, 3);
          sum += expectedWatchRatio(world, user, video);
          drawn++;
        }
      }
      randomSum += sum / drawn;
    }
    for (const video of marked) excluded[video] = 0;
  });
  return { randomTrue: randomSum / users, oracleTrue: oracleSum / users, users };
}

/**
 * The first `pages` pages of each sampled user's feed, fetched `concurrency` users at a time (each user's pages in
 * order, the next with the cursor of the one before), scored by the true expected watch ratio of every item.
 */
export async function measureServedTrue(
  world: World,
  users: Int32Array,
  fetchPage: FeedPageFetcher,
  options: { pages?: number; concurrency?: number } = {},
): Promise<ServedTrue> {
  const pages = options.pages ?? QUALITY_PAGES;
  let next = 0;
  let sum = 0;
  let served = 0;
  let items = 0;
  const worker = async () => {
    while (next < users.length) {
      const user = users[next++]!;
      let cursor: string | undefined;
      let userSum = 0;
      let userItems = 0;
      for (let page = 0; page < pages; page++) {
        const answer = await fetchPage(world.users[user]!.id, cursor);
        for (const item of answer.items) {
          const video = world.videoIndexById.get(item.video.id);
          if (video === undefined) throw new Error(`the feed served ${item.video.id}, which is not in the world`);
          userSum += expectedWatchRatio(world, user, video);
          userItems++;
        }
        if (answer.cursor === null) break;
        cursor = answer.cursor;
      }
      if (userItems === 0) continue;
      sum += userSum / userItems;
      served++;
      items += userItems;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { servedTrue: sum / served, users: served, items };
}

/** The share of the gap from random to the oracle that the served feed closes. */
export function capture(servedTrue: number, randomTrue: number, oracleTrue: number): number {
  return (servedTrue - randomTrue) / (oracleTrue - randomTrue);
}

/** Personalised pages of QUALITY_PAGE_SIZE items over HTTP, `GET /v1/feed/:user?n=…&mode=personalized[&cursor=…]`. */
export function httpFeedPages(url: string, key: string): FeedPageFetcher {
  return async (user, cursor) => {
    const after = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const query = `n=${QUALITY_PAGE_SIZE}&mode=personalized${after}`;
    const response = await fetch(`${url}/v1/feed/${encodeURIComponent(user)}?${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (!response.ok) throw new Error(`feed of ${user} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as FeedPageAnswer;
  };
}

/** Each creator's videos: those of user index c are videos[start[c]] … videos[start[c + 1] − 1]. */
function videosByCreator(world: World): { start: Int32Array; videos: Int32Array } {
  const { videoCreator } = world.latent;
  const start = new Int32Array(world.users.length + 1);
  for (let v = 0; v < videoCreator.length; v++) start[videoCreator[v]! + 1]++;
  for (let c = 0; c < world.users.length; c++) start[c + 1] += start[c]!;
  const filled = start.slice(0, -1);
  const videos = new Int32Array(videoCreator.length);
  for (let v = 0; v < videoCreator.length; v++) videos[filled[videoCreator[v]!]!++] = v;
  return { start, videos };
}
