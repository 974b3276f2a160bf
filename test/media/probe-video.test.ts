import { describe, expect, it } from 'vitest';
import { containerOf } from '../../src/media/input-format.js';
import { parseVideoProbe } from '../../src/media/probe-video.js';

/** ffprobe -show_format -show_streams -of json, abridged, of a phone video. */
function report(overrides: { format?: object; video?: object; streams?: object[] } = {}): string {
  const video = { codec_type: 'video', codec_name: 'h264', width: 360, height: 640, disposition: { attached_pic: 0 }, ...overrides.video };
  const audio = { codec_type: 'audio', codec_name: 'aac' };
  return JSON.stringify({
    streams: overrides.streams ?? [video, audio],
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '62.480000', ...overrides.format },
  });
}

describe('parseVideoProbe', () => {
  it('reads duration, container, codec and size of an MP4', () => {
    expect(parseVideoProbe(report(), 'mov')).toEqual({
      durationMs: 62_480,
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      extension: 'mp4',
      videoCodec: 'h264',
      width: 360,
      height: 640,
      input: 'mov',
    });
  });

  it('leaves the duration to be measured when the container does not record it (browser-recorded WebM)', () => {
    const webm = report({ format: { format_name: 'matroska,webm', duration: undefined }, video: { codec_name: 'vp8' } });
    expect(parseVideoProbe(webm, 'matroska')).toMatchObject({ durationMs: undefined, extension: 'webm', videoCodec: 'vp8' });
  });

  it('refuses what is not a video: audio only, still images and cover art, no time, no report', () => {
    expect(parseVideoProbe(report({ streams: [{ codec_type: 'audio', codec_name: 'aac' }] }), 'mov')).toMatch(/no video stream/);
    expect(parseVideoProbe(report({ video: { codec_name: 'png' } }), 'mov')).toMatch(/still image/);
    expect(parseVideoProbe(report({ video: { disposition: { attached_pic: 1 } } }), 'mov')).toMatch(/no video stream/);
    expect(parseVideoProbe(report({ format: { duration: '0.000000' } }), 'mov')).toMatch(/no time/);
    expect(parseVideoProbe(report({ video: { width: 0 } }), 'mov')).toMatch(/picture size/);
    expect(parseVideoProbe('', 'mov')).toMatch(/not a media file/);
    expect(parseVideoProbe('{}', 'mov')).toMatch(/not a media file/);
  });
});

describe('containerOf', () => {
  it('names MP4 and WebM by their first bytes and nothing else', () => {
    const mp4 = Buffer.from([0, 0, 0, 0x20, ...Buffer.from('ftypisom')]);
    const webm = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]);
    expect(containerOf(mp4)).toBe('mov');
    expect(containerOf(webm)).toBe('matroska');
    expect(containerOf(Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\n'))).toBeUndefined();
    expect(containerOf(Buffer.from('hello, I am text'))).toBeUndefined();
    expect(containerOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]))).toBeUndefined(); // a JPEG
    expect(containerOf(Buffer.alloc(3))).toBeUndefined();
  });
});
