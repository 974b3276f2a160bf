import { describe, expect, it } from 'vitest';
import type { Video } from '../../src/core/schemas.js';
import { SAFETY_ADULT, SAFETY_GEO_RESTRICTED, SAFETY_LIVE, VideoCatalog } from '../../src/features/video-catalog.js';

function video(id: string, changes: Partial<Video> = {}): Video {
  return { id, creator: 'c', durationMs: 10_000, caption: '', hashtags: [], language: 'en', region: 'DE', createdAt: 1, status: 'live', ...changes };
}

describe('video catalogue', () => {
  it('keeps the packed safety bits equal to each video\'s status, audience and blocked regions through puts and changes', () => {
    const catalog = new VideoCatalog();
    const plain = catalog.put(video('plain'));
    const adult = catalog.put(video('adult', { audience: 'adult' }));
    const geo = catalog.put(video('geo', { blockedRegions: ['US'] }));
    const pending = catalog.put(video('pending', { status: 'pending', audience: 'adult' }));
    expect([plain, adult, geo, pending].map((vidx) => catalog.safety[vidx])).toEqual([
      SAFETY_LIVE,
      SAFETY_LIVE | SAFETY_ADULT,
      SAFETY_LIVE | SAFETY_GEO_RESTRICTED,
      SAFETY_ADULT,
    ]);
    // A change of status or audience rewrites the bits; nothing else of the row leaks into them.
    catalog.put(video('pending', { status: 'live' }));
    catalog.put(video('adult', { status: 'removed', audience: 'adult' }));
    catalog.put(video('geo', { blockedRegions: [] }));
    expect([plain, adult, geo, pending].map((vidx) => catalog.safety[vidx])).toEqual([SAFETY_LIVE, SAFETY_ADULT, SAFETY_LIVE, SAFETY_LIVE]);
    for (let vidx = 0; vidx < catalog.size; vidx++) {
      const video = catalog.video(vidx);
      expect((catalog.safety[vidx]! & SAFETY_LIVE) !== 0).toBe(catalog.live[vidx] === 1);
      expect((catalog.safety[vidx]! & SAFETY_LIVE) !== 0).toBe(video.status === 'live');
      expect((catalog.safety[vidx]! & SAFETY_ADULT) !== 0).toBe(video.audience === 'adult');
      expect((catalog.safety[vidx]! & SAFETY_GEO_RESTRICTED) !== 0).toBe((video.blockedRegions ?? []).length > 0);
    }
    // Erasure takes the video down: never live again.
    catalog.erase(plain);
    expect(catalog.safety[plain]! & SAFETY_LIVE).toBe(0);
    expect(catalog.live[plain]).toBe(0);
  });

  it('gives back every video exactly as put, through replacements, from its columns', () => {
    const catalog = new VideoCatalog();
    const full: Video = {
      id: 'full',
      creator: 'maker',
      durationMs: 15_000,
      caption: 'a caption ✓',
      hashtags: ['b', 'a', 'b'],
      sound: 's1',
      language: 'de',
      region: 'AT',
      createdAt: 1_700_000_000_123,
      status: 'pending',
      audience: 'adult',
      blockedRegions: ['US', 'CN'],
      mediaUrl: '/media/full.mp4',
      thumbnailUrl: 'https://cdn.example/full.jpg',
    };
    const bare = video('bare');
    const twin = video('twin', { hashtags: ['b', 'a', 'b'] });
    for (const v of [full, bare, twin]) catalog.put(v);
    expect(catalog.get('full')).toStrictEqual(full);
    expect(catalog.get('bare')).toStrictEqual(bare);
    expect(catalog.video(catalog.vidx('twin')!)).toStrictEqual(twin);
    // Two videos with the same list share one array; a caller changing its copy changes neither.
    expect(catalog.hashtagsOf(catalog.vidx('twin')!)).toBe(catalog.hashtagsOf(catalog.vidx('full')!));
    catalog.get('twin')!.hashtags.push('c');
    expect(catalog.get('full')!.hashtags).toEqual(['b', 'a', 'b']);
    // A replacement drops what the new record no longer has.
    const plainer: Video = { ...bare, id: 'full', creator: 'other', caption: 'new', hashtags: ['z'] };
    catalog.put(plainer);
    expect(catalog.get('full')).toStrictEqual(plainer);
    expect(catalog.creatorOf(catalog.vidx('full')!)).toBe('other');
    expect(catalog.blockedRegionsOf(catalog.vidx('full')!)).toEqual([]);
    expect(catalog.allVideos().map((v) => v.id)).toEqual(['full', 'bare', 'twin']);
    // Erased: a nameless placeholder that is never served, and the returned record is the video as it was.
    const vidx = catalog.vidx('twin')!;
    expect(catalog.erase(vidx)).toStrictEqual(twin);
    expect(catalog.get('twin')).toBeUndefined();
    expect(catalog.video(vidx)).toMatchObject({ id: '', creator: '', caption: '', hashtags: [], status: 'removed' });
    expect(catalog.soundOf(vidx)).toBeUndefined();
  });
});
