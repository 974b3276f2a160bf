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
      const video = catalog.videos[vidx]!;
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
});
