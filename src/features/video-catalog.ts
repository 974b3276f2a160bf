/**
 * The videos the service knows, indexed by a dense number (`vidx`) so that hot loops work on typed arrays.
 * Rebuilt from the store at start; updated as videos are put.
 */
import type { Video } from '../core/schemas.js';
import { grownFloat64, grownInt32, grownUint8 } from './growable.js';

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
  /** Bumped on every change, so derived indexes (trending, recency) know when to rebuild. */
  version = 0;

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

  isCreator(userId: string): boolean {
    return this.creatorIndexOf.has(userId);
  }

  /** Adds or replaces a video; returns its index. */
  put(video: Video): number {
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
    this.version++;
    return index;
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
