/**
 * What a file is, read from the description `ffmpeg -i FILE` prints on stderr (this project ships ffmpeg without
 * ffprobe). Only real videos pass: a container meant for video, a video stream that is not a still image, and a
 * known, positive duration. ffmpeg also "decodes" text files (as ANSI art), so the container is checked by name.
 */
import { runFfmpeg } from './ffmpeg.js';

export interface VideoProbe {
  durationMs: number;
  /** ffmpeg's name of the container, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** The file extension the container is served with. */
  extension: 'mp4' | 'webm';
  videoCodec: string;
  width: number;
  height: number;
}

/** A file that is not a video we can serve; the message says why, for the uploader. */
export class NotAVideoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAVideoError';
  }
}

/** Containers accepted, by the first of ffmpeg's names for them: MP4/QuickTime, and WebM (what browsers record). */
const CONTAINERS: ReadonlyMap<string, VideoProbe['extension']> = new Map([
  ['mov', 'mp4'],
  ['matroska', 'webm'],
]);
const STILL_IMAGE_CODECS = new Set(['png', 'mjpeg', 'gif', 'bmp', 'webp', 'tiff', 'ansi']);

/**
 * Reads the first input's description; a string says why it is not an acceptable video. `durationMs` is undefined
 * when the container does not record it (WebM straight from a browser's MediaRecorder): then it must be measured.
 */
export function parseVideoProbe(stderr: string): (Omit<VideoProbe, 'durationMs'> & { durationMs: number | undefined }) | string {
  const input = /^Input #0, ([^\s]+), from /m.exec(stderr);
  if (!input) return 'not a media file ffmpeg can read';
  const container = input[1]!;
  const extension = CONTAINERS.get(container.split(',')[0]!);
  if (extension === undefined) return `not an MP4 or WebM video (ffmpeg reads it as "${container}")`;
  const duration = /Duration: (\d+:\d{2}:\d{2}(?:\.\d+)?)/.exec(stderr);
  if (!duration && !/Duration: N\/A/.test(stderr)) return 'its duration is unknown';
  const durationMs = duration ? clockMs(duration[1]!) : undefined;
  if (durationMs !== undefined && !(durationMs > 0)) return 'it lasts no time';
  const video = /Stream #0:\d+.*?: Video: ([\w-]+)[^\n]*?, (\d{2,5})x(\d{2,5})/.exec(stderr);
  if (!video) return 'it has no video stream';
  const videoCodec = video[1]!;
  if (STILL_IMAGE_CODECS.has(videoCodec)) return `its video stream is a still image (${videoCodec})`;
  return { durationMs, container, extension, videoCodec, width: Number(video[2]), height: Number(video[3]) };
}

/** HH:MM:SS.frac as milliseconds. */
function clockMs(clock: string): number {
  const [hours, minutes, seconds] = clock.split(':').map(Number) as [number, number, number];
  return Math.round((hours * 3600 + minutes * 60 + seconds) * 1000);
}

/** The time of the last video packet, read by copying the stream to nowhere (no decoding: fast). */
async function measureDurationMs(ffmpeg: string, file: string): Promise<number | undefined> {
  const run = await runFfmpeg(ffmpeg, ['-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'], 60_000);
  const times = [...run.stderr.matchAll(/time=(\d+:\d{2}:\d{2}(?:\.\d+)?)/g)];
  const last = times.at(-1);
  return run.code === 0 && last ? clockMs(last[1]!) : undefined;
}

/** Probes `file`; throws NotAVideoError when it is not an acceptable video. */
export async function probeVideo(ffmpeg: string, file: string): Promise<VideoProbe> {
  // Without an output ffmpeg describes the input and exits 1 ("At least one output file must be specified").
  const run = await runFfmpeg(ffmpeg, ['-i', file], 30_000);
  const probe = parseVideoProbe(run.stderr);
  if (typeof probe === 'string') throw new NotAVideoError(probe);
  const durationMs = probe.durationMs ?? (await measureDurationMs(ffmpeg, file));
  if (durationMs === undefined || !(durationMs > 0)) throw new NotAVideoError('its duration is unknown');
  return { ...probe, durationMs };
}
