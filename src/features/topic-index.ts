/**
 * Videos by hashtag and by sound: per key, the videos with the most time-decayed engagement, at most `perKey` of
 * them (plus as many recent arrivals awaiting the next compaction).
 *
 * Maintained per event, with no periodic pass over the catalogue. It ranks by the engagement's trending key
 * (log engagement + t/τ, see video-engagement.ts), whose order never changes as time passes: a list stays right
 * until one of its videos gets an event, and only then is that video's membership looked at. A non-member joins a
 * key's list when its key beats the list's threshold (the weakest kept video at the last compaction); a list that
 * reaches twice `perKey` is sorted and cut back to `perKey`. A bit per (video, key) says who is a member, so an
 * event on a member costs nothing.
 */
import type { Video } from '../core/schemas.js';
import { grownUint16 } from './growable-filled.js';
import type { VideoCatalog } from './video-catalog.js';
import type { VideoEngagement } from './video-engagement.js';

export const TOPIC_VIDEOS_PER_KEY = 200;
/** Membership bits per video: its first 15 hashtags and its sound (bit 15). Later hashtags are not indexed. */
const INDEXED_HASHTAGS = 15;
const SOUND_BIT = 1 << 15;

export class TopicKeyList {
  vidx = new Int32Array(8);
  size = 0;
  /** The weakest kept video's trending key at the last compaction; -∞ while the list has room. */
  threshold = Number.NEGATIVE_INFINITY;
  /** Videos in the catalogue carrying the key, members or not: how common it is. */
  videos = 0;
}

export type TopicKeyKind = 'hashtag' | 'sound';

export class TopicIndex {
  private readonly byHashtag = new Map<string, TopicKeyList>();
  private readonly bySound = new Map<string, TopicKeyList>();
  /** Per video, bit i set when it is in the list of its i-th hashtag (SOUND_BIT: its sound's list). */
  private member = new Uint16Array(0);

  constructor(
    private readonly catalog: VideoCatalog,
    private readonly engagement: VideoEngagement,
    readonly perKey = TOPIC_VIDEOS_PER_KEY,
  ) {}

  /** The list of a hashtag or sound; unordered, may hold videos no longer live. */
  list(kind: TopicKeyKind, key: string): TopicKeyList | undefined {
    return (kind === 'hashtag' ? this.byHashtag : this.bySound).get(key);
  }

  /** Call after `catalog.put`, with the video as it was before (undefined for a new one). */
  putVideo(vidx: number, previous: Video | undefined): void {
    if (vidx >= this.member.length) this.member = grownUint16(this.member, vidx + 1);
    const { catalog } = this;
    const hashtags = catalog.hashtagsOf(vidx);
    const sound = catalog.soundOf(vidx);
    if (previous !== undefined) {
      if (sameKeys(previous, hashtags, sound) && previous.status === catalog.statusOf(vidx)) return;
      this.forget(vidx, previous);
    }
    for (const tag of hashtags) this.keyList(this.byHashtag, tag).videos++;
    if (sound !== undefined) this.keyList(this.bySound, sound).videos++;
    this.touch(vidx);
  }

  /** Call after the video's engagement changed: it may now belong in its keys' lists. */
  touch(vidx: number): void {
    if (this.catalog.live[vidx] !== 1) return;
    const bits = this.member[vidx]!;
    const key = this.engagement.trendKey[vidx]!;
    const tags = this.catalog.hashtagsOf(vidx);
    const sound = this.catalog.soundOf(vidx);
    for (let i = 0; i < tags.length && i < INDEXED_HASHTAGS; i++) {
      if (bits & (1 << i)) continue;
      this.offer(this.byHashtag.get(tags[i]!)!, vidx, key, 1 << i);
    }
    if (sound !== undefined && !(bits & SOUND_BIT)) this.offer(this.bySound.get(sound)!, vidx, key, SOUND_BIT);
  }

  private offer(list: TopicKeyList, vidx: number, key: number, bit: number): void {
    if (list.size >= this.perKey && key <= list.threshold) return;
    if (list.size === list.vidx.length) {
      const grown = new Int32Array(Math.min(list.vidx.length * 2, 2 * this.perKey));
      grown.set(list.vidx);
      list.vidx = grown;
    }
    list.vidx[list.size++] = vidx;
    this.member[vidx]! |= bit;
    if (list.size === 2 * this.perKey) this.compact(list);
  }

  /** Keeps the `perKey` most engaged live videos; the others leave the list and may rejoin on a later event. */
  private compact(list: TopicKeyList): void {
    const keys = this.engagement.trendKey;
    const live = this.catalog.live;
    const rank = (vidx: number) => (live[vidx] === 1 ? keys[vidx]! : Number.NEGATIVE_INFINITY);
    const kept = list.vidx.subarray(0, list.size).sort((a, b) => rank(b) - rank(a) || a - b);
    for (let i = this.perKey; i < list.size; i++) this.clearMembership(kept[i]!, list);
    list.size = this.perKey;
    list.threshold = rank(kept[this.perKey - 1]!);
  }

  /** Removes a video from the lists of its previous hashtags and sound (a rare re-put that changed them). */
  private forget(vidx: number, previous: Video): void {
    for (const tag of previous.hashtags) this.removeFrom(this.byHashtag.get(tag), vidx);
    if (previous.sound !== undefined) this.removeFrom(this.bySound.get(previous.sound), vidx);
    this.member[vidx] = 0;
  }

  private removeFrom(list: TopicKeyList | undefined, vidx: number): void {
    if (!list) return;
    list.videos--;
    for (let i = 0; i < list.size; i++) {
      if (list.vidx[i] !== vidx) continue;
      list.vidx[i] = list.vidx[--list.size]!;
      return;
    }
  }

  private clearMembership(vidx: number, list: TopicKeyList): void {
    const sound = this.catalog.soundOf(vidx);
    if (sound !== undefined && this.bySound.get(sound) === list) this.member[vidx]! &= ~SOUND_BIT;
    const tags = this.catalog.hashtagsOf(vidx);
    for (let i = 0; i < tags.length && i < INDEXED_HASHTAGS; i++) {
      if (this.byHashtag.get(tags[i]!) === list) this.member[vidx]! &= ~(1 << i);
    }
  }

  private keyList(map: Map<string, TopicKeyList>, key: string): TopicKeyList {
    let list = map.get(key);
    if (!list) map.set(key, (list = new TopicKeyList()));
    return list;
  }
}

function sameKeys(a: Video, hashtags: readonly string[], sound: string | undefined): boolean {
  return a.sound === sound && a.hashtags.length === hashtags.length && a.hashtags.every((tag, i) => tag === hashtags[i]);
}
