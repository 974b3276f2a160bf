/**
 * The videos the service knows, indexed by a dense number (`vidx`) so that hot loops work on typed arrays.
 * Rebuilt from the store at start; updated as videos are put.
 */
import type { Video } from '../core/schemas.js';
import { grownFloat64, grownInt32, grownUint8 } from './growable.js';

export const SAFETY_LIVE = 1;
export const SAFETY_ADULT = 2;
export const SAFETY_GEO_RESTRICTED = 4;

export class VideoCatalog {
  private readonly indexOf = new Map<string, number>();
  readonly videos: Video[] = [];
  createdAt = new Float64Array(0);
  durationMs = new Float64Array(0);
  /** 1 when the video may be served. */
  live = new Uint8Array(0);
  /** Dense creator number, see `creatorIds`. */
  creatorIdx = new Int32Array(0);
  readonly creatorIds: string[] = [];
  private readonly creatorIndexOf = new Map<string, number>();
  /** Videos of each creator, by creator number, in insertion order. */
  readonly videosOfCreator: number[][] = [];
  /**
   * The safety filters' flags as bits of one byte: SAFETY_LIVE (also in `live`), SAFETY_ADULT (never served to
   * minors), SAFETY_GEO_RESTRICTED (lists blocked regions, so the region filter reads the list only for those).
   * The filters run on every candidate a source looks at; one column costs one cache miss where three cost three.
   */
  safety = new Uint8Array(0);
  /** Dense sound number (see `soundIds`), -1 for a video without a sound: the re-ranker compares numbers. */
  soundIdx = new Int32Array(0);
  readonly soundIds: string[] = [];
  private readonly soundIndexOf = new Map<string, number>();
  /**
   * Each video's distinct hashtags as dense numbers (see `hashtagIds`), so per-page counts need no string keys:
   * video v's are hashtagPool[hashtagRun[2v] … hashtagRun[2v] + hashtagRun[2v + 1]). The pool only grows (a
   * replaced video appends its new run), which keeps one flat array instead of an object per video.
   */
  hashtagPool = new Int32Array(0);
  /**
   * Per video, the start of its run in `hashtagPool` and its length, side by side: every candidate of a feed reads
   * both, and at a million videos two columns cost two cache misses where one costs one.
   */
  hashtagRun = new Int32Array(0);
  private hashtagPoolSize = 0;
  readonly hashtagIds: string[] = [];
  private readonly hashtagIndexOf = new Map<string, number>();
  /** Bumped on every change, so derived indexes (trending, recency) know when to rebuild. */
  version = 0;
  /**
   * One copy of each creator, sound, hashtag, language and region string: a million videos repeat a few thousand
   * of them, and each parsed copy costs ~30 bytes in every replica of the state.
   */
  private readonly strings = new Map<string, string>();

  get size(): number {
    return this.videos.length;
  }

  vidx(id: string): number | undefined {
    return this.indexOf.get(id);
  }

  get(id: string): Video | undefined {
    const index = this.indexOf.get(id);
    return index === undefined ? undefined : this.videos[index];
  }

  creatorNumber(creator: string): number | undefined {
    return this.creatorIndexOf.get(creator);
  }

  hashtagNumber(tag: string): number | undefined {
    return this.hashtagIndexOf.get(tag);
  }

  isCreator(userId: string): boolean {
    return this.creatorIndexOf.has(userId);
  }

  /** Adds or replaces a video; returns its index. */
  put(parsed: Video): number {
    const video = this.shareStrings(parsed);
    let index = this.indexOf.get(video.id);
    const creator = this.internCreator(video.creator);
    if (index === undefined) {
      index = this.videos.length;
      this.indexOf.set(video.id, index);
      this.videos.push(video);
      const length = index + 1;
      this.createdAt = grownFloat64(this.createdAt, length);
      this.durationMs = grownFloat64(this.durationMs, length);
      this.live = grownUint8(this.live, length);
      this.creatorIdx = grownInt32(this.creatorIdx, length);
      this.safety = grownUint8(this.safety, length);
      this.soundIdx = grownInt32(this.soundIdx, length);
      this.hashtagRun = grownInt32(this.hashtagRun, 2 * length);
      this.videosOfCreator[creator]!.push(index);
    } else {
      const previousCreator = this.creatorIdx[index]!;
      if (previousCreator !== creator) {
        const list = this.videosOfCreator[previousCreator]!;
        list.splice(list.indexOf(index), 1);
        this.videosOfCreator[creator]!.push(index);
      }
      this.videos[index] = video;
    }
    this.createdAt[index] = video.createdAt;
    this.durationMs[index] = video.durationMs;
    this.live[index] = video.status === 'live' ? 1 : 0;
    this.creatorIdx[index] = creator;
    this.safety[index] =
      (video.status === 'live' ? SAFETY_LIVE : 0) |
      (video.audience === 'adult' ? SAFETY_ADULT : 0) |
      (video.blockedRegions !== undefined && video.blockedRegions.length > 0 ? SAFETY_GEO_RESTRICTED : 0);
    this.soundIdx[index] = video.sound === undefined ? -1 : this.intern(video.sound, this.soundIds, this.soundIndexOf);
    this.putHashtags(index, video.hashtags);
    this.version++;
    return index;
  }

  /** Distinct numbers: a tag listed twice counts once towards the per-page hashtag cap. */
  private putHashtags(index: number, hashtags: readonly string[]): void {
    const start = this.hashtagPoolSize;
    this.hashtagPool = grownInt32(this.hashtagPool, start + hashtags.length);
    let count = 0;
    for (const tag of hashtags) {
      const number = this.intern(tag, this.hashtagIds, this.hashtagIndexOf);
      let duplicate = false;
      for (let i = start; i < start + count; i++) if (this.hashtagPool[i] === number) duplicate = true;
      if (!duplicate) this.hashtagPool[start + count++] = number;
    }
    this.hashtagRun[2 * index] = start;
    this.hashtagRun[2 * index + 1] = count;
    this.hashtagPoolSize = start + count;
  }

  private intern(key: string, ids: string[], indexOf: Map<string, number>): number {
    let number = indexOf.get(key);
    if (number === undefined) {
      number = ids.length;
      indexOf.set(key, number);
      ids.push(key);
    }
    return number;
  }

  /**
   * Forgets a video (its uploader was erased): its id no longer resolves, and its slot keeps a nameless, unservable
   * placeholder so that every vidx stays valid. Returns the video as it was.
   */
  erase(vidx: number): Video {
    const previous = this.videos[vidx]!;
    this.indexOf.delete(previous.id);
    const list = this.videosOfCreator[this.creatorIdx[vidx]!]!;
    const position = list.indexOf(vidx);
    if (position >= 0) list.splice(position, 1);
    this.videos[vidx] = {
      id: '',
      creator: '',
      durationMs: previous.durationMs,
      caption: '',
      hashtags: [],
      sound: undefined,
      language: '',
      region: '',
      createdAt: previous.createdAt,
      status: 'removed',
    };
    this.live[vidx] = 0;
    this.safety[vidx]! &= ~SAFETY_LIVE;
    this.hashtagRun[2 * vidx + 1] = 0;
    this.version++;
    return previous;
  }

  /** Forgets a creator's id (erasure); their number stays allocated, nameless, for the placeholders pointing at it. */
  forgetCreator(creator: string): void {
    const number = this.creatorIndexOf.get(creator);
    if (number === undefined) return;
    this.creatorIndexOf.delete(creator);
    this.creatorIds[number] = '';
  }

  private shareStrings(video: Video): Video {
    const intern = (text: string): string => {
      const shared = this.strings.get(text);
      if (shared !== undefined) return shared;
      this.strings.set(text, text);
      return text;
    };
    return {
      ...video,
      creator: intern(video.creator),
      hashtags: video.hashtags.map(intern),
      sound: video.sound === undefined ? undefined : intern(video.sound),
      language: intern(video.language),
      region: intern(video.region),
    };
  }

  private internCreator(creator: string): number {
    let number = this.creatorIndexOf.get(creator);
    if (number === undefined) {
      number = this.creatorIds.length;
      this.creatorIndexOf.set(creator, number);
      this.creatorIds.push(creator);
      this.videosOfCreator.push([]);
    }
    return number;
  }
}
