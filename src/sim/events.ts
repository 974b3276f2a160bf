/**
 * The simulated event log: users open sessions, are shown videos (a mix of popular, topical and random ones, as a
 * naive feed would), and react as the ground truth says. Generated lazily, one event at a time, so that ten million
 * events stream through in constant memory.
 */
import type { AcceptedEvent, EventType } from '../core/schemas.js';
import { emptyResponse, sampleResponse } from './ground-truth.js';
import { pickWeighted, Random } from './random.js';
import { DAY_MS, type World } from './world.js';

/** Sessions start over this window before `now`; the catalogue grows during it (videos exist from createdAt on). */
export const EVENT_WINDOW_MS = 21 * DAY_MS;
/** No video is shown more than an hour after its session started. */
const SESSION_MAX_MS = 3_600_000;
/** Room after the last session start: a session (≤ 1 h) plus a last video watched ten times (≤ 30 min) fits. */
const WINDOW_END_MARGIN_MS = 2 * SESSION_MAX_MS;
const SESSION_START_JITTER_MS = 300_000;
/** After each video the session goes on with this probability: about 14 videos per session on average. */
const CONTINUE_SESSION = 0.93;
const MAX_VIDEOS_PER_SESSION = 256;
/** How the naive feed that exposes videos mixes its sources. */
const POPULAR_SHARE = 0.3;
const TOPICAL_SHARE = 0.5;
const PICK_ATTEMPTS = 8;
/** Consecutive sessions that found nothing to show before giving up (a world with no showable video). */
const MAX_EMPTY_SESSIONS = 10_000;

export interface EventOptions {
  /** Event ids are `${idPrefix}${n}`, n = 1, 2, …; a different prefix keeps several runs apart in one store. */
  idPrefix?: string;
  /** Seeds the event stream; defaults to the world's seed. */
  seed?: number;
}

/**
 * Yields exactly `count` events in session order (ts increases within a session; sessions start in increasing
 * order over the last EVENT_WINDOW_MS; every ts ≤ world.now). Each carries the video's creator. Deterministic for a
 * given world, count and options.
 */
export function* generateEvents(world: World, count: number, options: EventOptions = {}): Generator<AcceptedEvent> {
  if (count <= 0) return;
  const prefix = options.idPrefix ?? 'e';
  const random = new Random(options.seed ?? world.seed).fork(7);
  const { latent, exposure, users, videos } = world;
  const userCount = users.length;
  const picker = new VideoPicker(world, random);
  const response = emptyResponse();
  const follows = new Set<number>();

  const windowStart = world.now - EVENT_WINDOW_MS;
  const windowEnd = world.now - WINDOW_END_MARGIN_MS - SESSION_START_JITTER_MS;
  const firstShowable = picker.firstLiveCreatedAt();
  let emitted = 0;
  let emptySessions = 0;
  let userId = '';
  let videoId = '';
  let creatorId = '';
  const event = (type: EventType, ts: number, watchMs: number | null): AcceptedEvent => ({
    id: prefix + ++emitted,
    user: userId,
    video: videoId,
    creator: creatorId,
    type,
    ts,
    watchMs,
  });

  while (emitted < count) {
    const user = pickWeighted(exposure.userActivity, random);
    userId = users[user]!.id;
    // Sessions advance with the share of events made, so the log ends near `now` whatever its size.
    const planned = windowStart + Math.floor((emitted / count) * (windowEnd - windowStart));
    const sessionStart = Math.min(windowEnd, Math.max(planned, firstShowable)) + random.int(SESSION_START_JITTER_MS);
    let clock = sessionStart;
    picker.startSession();
    let shownAny = false;

    for (let item = 0; item < MAX_VIDEOS_PER_SESSION; item++) {
      const video = picker.pick(user, clock);
      if (video < 0) break;
      shownAny = true;
      videoId = videos[video]!.id;
      creatorId = videos[video]!.creator;

      sampleResponse(world, random, user, video, response);
      yield event('impression', clock, null);
      if (emitted >= count) return;
      // Every later event of the session is at least 1 ms after the previous one.
      let ts = clock + response.watchMs + 1;
      yield event(response.skipped ? 'skip' : 'play', ts, response.watchMs);
      if (emitted >= count) return;
      if (response.skipped) {
        if (response.notInterested) {
          ts += 1 + random.int(1_500);
          yield event('not_interested', ts, null);
          if (emitted >= count) return;
        }
      } else {
        if (response.liked) {
          ts += 1 + random.int(1_500);
          yield event('like', ts, null);
          if (emitted >= count) return;
        }
        if (response.commented) {
          ts += 1 + random.int(20_000);
          yield event('comment', ts, null);
          if (emitted >= count) return;
        }
        if (response.shared) {
          ts += 1 + random.int(5_000);
          yield event('share', ts, null);
          if (emitted >= count) return;
        }
        if (response.followed) {
          const key = user * userCount + latent.videoCreator[video]!;
          if (!follows.has(key)) {
            follows.add(key);
            ts += 1 + random.int(1_500);
            yield event('follow', ts, null);
            if (emitted >= count) return;
          }
        }
      }
      // Scrolling to the next video takes a moment.
      clock = ts + 200 + random.int(1_500);
      if (clock - sessionStart > SESSION_MAX_MS || !random.chance(CONTINUE_SESSION)) break;
    }

    emptySessions = shownAny ? 0 : emptySessions + 1;
    if (emptySessions >= MAX_EMPTY_SESSIONS) {
      throw new Error('cannot generate events: the simulated world has no live video that its users can be shown');
    }
  }
}

/** Chooses what a session shows next, among live videos that exist at that moment and are not the viewer's own. */
class VideoPicker {
  private readonly shown = new Int32Array(MAX_VIDEOS_PER_SESSION);
  private shownCount = 0;

  constructor(
    private readonly world: World,
    private readonly random: Random,
  ) {}

  startSession(): void {
    this.shownCount = 0;
  }

  firstLiveCreatedAt(): number {
    const { videoLive, videoCreatedAt } = this.world.latent;
    for (let v = 0; v < videoLive.length; v++) if (videoLive[v]) return videoCreatedAt[v]!;
    return this.world.now;
  }

  /** A video index, or −1 when nothing suitable turned up. */
  pick(user: number, time: number): number {
    const { latent, exposure } = this.world;
    // Videos are numbered in creation order, so those existing at `time` are a prefix of the catalogue.
    const available = countAtOrBelow(latent.videoCreatedAt, time);
    if (available === 0) return -1;
    const random = this.random;
    for (let attempt = 0; attempt < PICK_ATTEMPTS; attempt++) {
      const source = random.next();
      let video: number;
      if (source < POPULAR_SHARE) {
        video = pickWeighted(exposure.videoPopularity, random, available);
      } else if (source < POPULAR_SHARE + TOPICAL_SHARE) {
        const list = exposure.topicVideos[this.topicOf(user)]!;
        const n = countBelow(list, available);
        if (n === 0) continue;
        // Of two videos of the topic, the better one: topical feeds favour quality.
        video = list[random.int(n)]!;
        const other = list[random.int(n)]!;
        if (latent.videoQuality[other]! > latent.videoQuality[video]!) video = other;
      } else {
        video = random.int(available);
      }
      if (!latent.videoLive[video] || latent.videoCreator[video] === user || this.wasShown(video)) continue;
      this.shown[this.shownCount++] = video;
      return video;
    }
    return -1;
  }

  /** A topic drawn from the user's latent interest distribution. */
  private topicOf(user: number): number {
    const { userInterests, topicCount } = this.world.latent;
    const base = user * topicCount;
    let remaining = this.random.next();
    for (let t = 0; t < topicCount; t++) {
      remaining -= userInterests[base + t]!;
      if (remaining < 0) return t;
    }
    return topicCount - 1;
  }

  private wasShown(video: number): boolean {
    for (let i = 0; i < this.shownCount; i++) if (this.shown[i] === video) return true;
    return false;
  }
}

/** How many entries of an ascending array are ≤ value. */
function countAtOrBelow(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** How many entries of an ascending array are < value. */
function countBelow(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
