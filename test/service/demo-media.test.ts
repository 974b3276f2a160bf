/** Demo media without ffmpeg: the demo still starts, without media, and says why. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDemoMedia } from '../../src/service/demo-media.js';
import { openStore } from '../../src/store/open-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('ensureDemoMedia', () => {
  it('leaves the catalogue without media and names the missing ffmpeg when none runs', async () => {
    const db = join(temp.dir, 'demo.db');
    const store = openStore(db);
    await store.setMeta('demo', '{}');
    await store.putVideos([
      { id: 'v1', creator: 'c1', durationMs: 9000, caption: 'x', hashtags: ['dance'], language: 'en', region: 'DE', createdAt: Date.now(), status: 'live' },
    ]);
    await store.close();
    const lines: string[] = [];
    const previous = process.env.FORYOU_FFMPEG;
    process.env.FORYOU_FFMPEG = join(temp.dir, 'missing-ffmpeg');
    try {
      await ensureDemoMedia(db, join(temp.dir, 'media'), (line) => lines.push(line));
    } finally {
      if (previous === undefined) delete process.env.FORYOU_FFMPEG;
      else process.env.FORYOU_FFMPEG = previous;
    }
    expect(lines.join('\n')).toMatch(/demo videos have no media: ffmpeg is not available .*FORYOU_FFMPEG.*missing-ffmpeg/);
    const reopened = openStore(db);
    try {
      expect((await reopened.getVideo('v1'))?.mediaUrl).toBeUndefined();
      expect(await reopened.getMeta('demo-media')).toBeUndefined(); // the next start tries again
    } finally {
      await reopened.close();
    }
  });
});
