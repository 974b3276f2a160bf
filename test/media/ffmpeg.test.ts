/**
 * Which ffmpeg runs: the npm package's build of 2018 renders demo clips when nothing better is installed, but only a
 * maintained one — the system's on the PATH, or $FORYOU_FFMPEG — may decode an uploaded file.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateFfmpeg, locateMaintainedFfmpeg } from '../../src/media/ffmpeg.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir('foryou-ffmpeg-');
afterAll(() => temp.cleanup());

describe('locating ffmpeg', () => {
  it('falls back to the npm package for demo clips when the PATH has none', async () => {
    const path = await locateFfmpeg({ PATH: join(temp.dir, 'empty') });
    expect(path).toContain('@ffmpeg-installer');
  });

  it('never offers the npm package of 2018 to decode uploads', async () => {
    expect(await locateMaintainedFfmpeg({ PATH: join(temp.dir, 'empty') })).toBeUndefined();
  });

  it("takes the system's ffmpeg on the PATH for uploads", async () => {
    // Any working ffmpeg named `ffmpeg` on the PATH is the system's as far as the lookup can tell.
    const bin = join(temp.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(await locateFfmpeg({ PATH: join(temp.dir, 'empty') }), join(bin, 'ffmpeg'));
    expect(await locateMaintainedFfmpeg({ PATH: bin })).toBe('ffmpeg');
  });

  it('takes $FORYOU_FFMPEG alone when set: pointing nowhere, there is no maintained ffmpeg', async () => {
    expect(await locateMaintainedFfmpeg({ FORYOU_FFMPEG: join(temp.dir, 'no-such-ffmpeg') })).toBeUndefined();
    await expect(locateFfmpeg({ FORYOU_FFMPEG: join(temp.dir, 'no-such-ffmpeg') })).rejects.toThrow(/FORYOU_FFMPEG/);
  });
});
