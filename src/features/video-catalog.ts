/**
 * The videos the service knows, indexed by a dense number (`vidx`) so that hot loops work on typed arrays.
 * Rebuilt from the store at start; updated as videos are put.
 *
 * Held as columns, not as one object per video: every feed thread keeps a replica, and at a million videos an
 * object per video (its fields, its hashtag array, its boxed creation time) cost about 250 bytes more than the
 * columns that hold the same, some 500 MB in a two-thread server. `video(vidx)` rebuilds the record where a whole
 * one is needed (a served page, an explanation, an API answer); hot paths read the columns.
 */
import type { Video, VideoStatus } from '../core/schemas.js';
import type { RetrievalItem } from '../models/online/retrieval-tower.js';
import { grownFloat64, grownInt32, grownUint8 } from './growable.js';

export const SAFETY_LIVE = 1;
export const SAFETY_ADULT = 2;
export const SAFETY_GEO_RESTRICTED = 4;

const STATUSES: readonly VideoStatus[] = ['live', 'pending', 'removed'];
const STATUS_CODE = new Map<VideoStatus, number>(STATUSES.map((status, code) => [status, code]));
const NO_HASHTAGS: readonly string[] = Object.freeze([]);

export class VideoCatalog {
  private readonly indexOf = new Map<string, number>();
  /** Each video's id, '' once erased. */
  readonly ids: string[] = [];
  createdAt = new Float64Array(0);
  durationMs = new Float64Array(0);
  /** 1 when the video may be served. */
  live = new Uint8Array(0);
  /** The status as its index in STATUSES. */
  private status = new Uint8Array(0);
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
  /**
   * Each video's hashtags as given (order and repeats kept), one shared frozen array per distinct list: videos of
   * a topic repeat a few thousand lists, and the learner reads them as strings on every event.
   */
  private readonly hashtagLists: (readonly string[])[] = [];
  private readonly hashtagListOf = new Map<string, readonly string[]>();
  private readonly captions: string[] = [];
  private readonly languages: string[] = [];
  private readonly regions: string[] = [];
  /** Media addresses, absent for catalogue records without media. */
  private readonly mediaUrls: (string | undefined)[] = [];
  private readonly thumbnailUrls: (string | undefined)[] = [];
  /** The few geo-restricted videos' blocked regions (SAFETY_GEO_RESTRICTED marks them). */
  private readonly blockedRegions = new Map<number, string[]>();
  /** Bumped on every change, so derived indexes (trending, recency) know when to rebuild. */
  version = 0;
  /** One copy of each language and region string: a million videos repeat a few dozen. */
  private readonly strings = new Map<string, string>();

  get size(): number {
    return this.ids.length;
  }

  vidx(id: string): number | undefined {
    return this.indexOf.get(id);
  }

  get(id: string): Video | undefined {
    const index = this.indexOf.get(id);
    return index === undefined ? undefined : this.video(index);
  }

  /** The video's record, rebuilt from the columns (a new object: for answers and explanations, not hot loops). */
  video(vidx: number): Video {
    const sound = this.soundOf(vidx);
    const video: Video = {
      id: this.ids[vidx]!,
      creator: this.creatorOf(vidx),
      durationMs: this.durationMs[vidx]!,
      caption: this.captions[vidx]!,
      hashtags: [...this.hashtagLists[vidx]!],
      ...(sound === undefined ? {} : { sound }),
      language: this.languages[vidx]!,
      region: this.regions[vidx]!,
      createdAt: this.createdAt[vidx]!,
      status: this.statusOf(vidx),
    };
    if ((this.safety[vidx]! & SAFETY_ADULT) !== 0) video.audience = 'adult';
    const blocked = this.blockedRegions.get(vidx);
    if (blocked !== undefined) video.blockedRegions = [...blocked];
    const mediaUrl = this.mediaUrls[vidx];
    if (mediaUrl !== undefined) video.mediaUrl = mediaUrl;
    const thumbnailUrl = this.thumbnailUrls[vidx];
    if (thumbnailUrl !== undefined) video.thumbnailUrl = thumbnailUrl;
    return video;
  }

  /** Every video's record in catalogue order (tools and tests: one new object each). */
  allVideos(): Video[] {
    return this.ids.map((_, vidx) => this.video(vidx));
  }

  /** The creator's id ('' for an erased video). */
  creatorOf(vidx: number): string {
    return this.ids[vidx] === '' ? '' : this.creatorIds[this.creatorIdx[vidx]!]!;
  }

  soundOf(vidx: number): string | undefined {
    const sound = this.soundIdx[vidx]!;
    return sound < 0 ? undefined : this.soundIds[sound];
  }

  /** The video's hashtags as given: a shared array, never to be changed. */
  hashtagsOf(vidx: number): readonly string[] {
    return this.hashtagLists[vidx]!;
  }

  statusOf(vidx: number): VideoStatus {
    return STATUSES[this.status[vidx]!]!;
  }

  regionOf(vidx: number): string {
    return this.regions[vidx]!;
  }

  /** The regions the video may not be served in (none for most). */
  blockedRegionsOf(vidx: number): readonly string[] {
    return this.blockedRegions.get(vidx) ?? NO_HASHTAGS;
  }

  /** What the retrieval tower reads of a video. */
  item(vidx: number): RetrievalItem {
    return { id: this.ids[vidx]!, creator: this.creatorOf(vidx), sound: this.soundOf(vidx), hashtags: this.hashtagLists[vidx]! };
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
  put(video: Video): number {
    let index = this.indexOf.get(video.id);
    const creator = this.internCreator(video.creator);
    if (index === undefined) {
      index = this.ids.length;
      this.indexOf.set(video.id, index);
      this.ids.push(video.id);
      this.captions.push('');
      this.hashtagLists.push(NO_HASHTAGS);
      this.languages.push('');
      this.regions.push('');
      this.mediaUrls.push(undefined);
      this.thumbnailUrls.push(undefined);
      const length = index + 1;
      this.createdAt = grownFloat64(this.createdAt, length);
      this.durationMs = grownFloat64(this.durationMs, length);
      this.live = grownUint8(this.live, length);
      this.status = grownUint8(this.status, length);
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
    }
    this.createdAt[index] = video.createdAt;
    this.durationMs[index] = video.durationMs;
    this.live[index] = video.status === 'live' ? 1 : 0;
    this.status[index] = STATUS_CODE.get(video.status)!;
    this.creatorIdx[index] = creator;
    const blocked = video.blockedRegions !== undefined && video.blockedRegions.length > 0;
    this.safety[index] = (video.status === 'live' ? SAFETY_LIVE : 0) | (video.audience === 'adult' ? SAFETY_ADULT : 0) | (blocked ? SAFETY_GEO_RESTRICTED : 0);
    if (blocked) this.blockedRegions.set(index, video.blockedRegions!.map((region) => this.shared(region)));
    else this.blockedRegions.delete(index);
    this.soundIdx[index] = video.sound === undefined ? -1 : this.intern(video.sound, this.soundIds, this.soundIndexOf);
    this.captions[index] = video.caption;
    this.languages[index] = this.shared(video.language);
    this.regions[index] = this.shared(video.region);
    this.mediaUrls[index] = video.mediaUrl;
    this.thumbnailUrls[index] = video.thumbnailUrl;
    this.hashtagLists[index] = this.sharedHashtags(video.hashtags);
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

  private sharedHashtags(hashtags: readonly string[]): readonly string[] {
    if (hashtags.length === 0) return NO_HASHTAGS;
    // Tags are lower-case text without control characters, so \n cannot occur inside one.
    const key = hashtags.join('\n');
    let list = this.hashtagListOf.get(key);
    if (list === undefined) {
      list = Object.freeze(hashtags.map((tag) => this.hashtagIds[this.intern(tag, this.hashtagIds, this.hashtagIndexOf)]!));
      this.hashtagListOf.set(key, list);
    }
    return list;
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

  private shared(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  /**
   * Forgets a video (its uploader was erased): its id no longer resolves, and its slot keeps a nameless, unservable
   * placeholder so that every vidx stays valid. Returns the video as it was.
   */
  erase(vidx: number): Video {
    const previous = this.video(vidx);
    this.indexOf.delete(previous.id);
    const list = this.videosOfCreator[this.creatorIdx[vidx]!]!;
    const position = list.indexOf(vidx);
    if (position >= 0) list.splice(position, 1);
    this.ids[vidx] = '';
    this.captions[vidx] = '';
    this.hashtagLists[vidx] = NO_HASHTAGS;
    this.soundIdx[vidx] = -1;
    this.languages[vidx] = '';
    this.regions[vidx] = '';
    this.mediaUrls[vidx] = undefined;
    this.thumbnailUrls[vidx] = undefined;
    this.blockedRegions.delete(vidx);
    this.status[vidx] = STATUS_CODE.get('removed')!;
    this.live[vidx] = 0;
    this.safety[vidx] = 0;
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
