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
