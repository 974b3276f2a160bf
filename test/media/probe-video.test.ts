import { describe, expect, it } from 'vitest';
import { parseVideoProbe } from '../../src/media/probe-video.js';

const MP4 = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'clip.mp4':
  Metadata:
    major_brand     : isom
  Duration: 00:01:02.48, start: 0.000000, bitrate: 1995 kb/s
    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 360x640 [SAR 1:1 DAR 9:16], 1981 kb/s, 24 fps, 24 tbr, 12288 tbn, 48 tbc (default)
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 48 kb/s (default)
At least one output file must be specified`;

describe('parseVideoProbe', () => {
  it('reads duration, container, codec and size of an MP4', () => {
    expect(parseVideoProbe(MP4)).toEqual({
      durationMs: 62_480,
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      extension: 'mp4',
      videoCodec: 'h264',
      width: 360,
      height: 640,
    });
  });

  it('leaves the duration to be measured when the container does not record it (browser-recorded WebM)', () => {
    const webm = MP4.replace('mov,mp4,m4a,3gp,3g2,mj2', 'matroska,webm').replace('00:01:02.48', 'N/A').replace('h264 (High)', 'vp8');
    expect(parseVideoProbe(webm)).toMatchObject({ durationMs: undefined, extension: 'webm', videoCodec: 'vp8' });
  });

  it('refuses what is not a video: text (read as ANSI art), audio only, still images, unknown duration', () => {
    const ansi = `Input #0, tty, from 'notes.txt':\n  Duration: 00:00:00.04, bitrate: 0 kb/s\n    Stream #0:0: Video: ansi, pal8, 640x400, 25 fps`;
    expect(parseVideoProbe(ansi)).toMatch(/not an MP4 or WebM/);
    expect(parseVideoProbe(MP4.replace(/.*Video: .*\n/, ''))).toMatch(/no video stream/);
    expect(parseVideoProbe(MP4.replace('Video: h264 (High)', 'Video: png'))).toMatch(/still image/);
    expect(parseVideoProbe(MP4.replace('Duration: 00:01:02.48, ', ''))).toMatch(/duration/);
    expect(parseVideoProbe("notes.md: Invalid data found when processing input")).toMatch(/not a media file/);
  });
});
