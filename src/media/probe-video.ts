/**
 * What an uploaded file is, read by ffprobe as JSON (never from text meant for people, which the file's own metadata
 * could imitate). The file is read as the container its first bytes say it is, with that demuxer forced and only the
 * `file` protocol allowed (input-format.ts). Only real videos pass: MP4/QuickTime or WebM, a video stream that is not
 * a still image, a positive duration, and every packet of the video stream readable to the end (a truncated file's
 * header reads well; its missing frames do not).
 */
import { runFfprobe } from './ffmpeg.js';
import { inputArgs, sniffContainer, type UploadContainer } from './input-format.js';

export interface VideoProbe {
  durationMs: number;
  /** ffprobe's name of the container, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** The file extension the container is served with. */
  extension: 'mp4' | 'webm';
  videoCodec: string;
  width: number;
  height: number;
  /** The demuxer the file was read with, for every later run of ffmpeg on it. */
  input: UploadContainer;
}

/** A file that is not a video we can serve; the message says why, for the uploader. */
export class NotAVideoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAVideoError';
  }
}

const EXTENSIONS: Record<UploadContainer, VideoProbe['extension']> = { mov: 'mp4', matroska: 'webm' };
const STILL_IMAGE_CODECS = new Set(['png', 'mjpeg', 'gif', 'bmp', 'webp', 'tiff', 'ansi']);

interface ProbeJson {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number; disposition?: { attached_pic?: number } }>;
}

/**
 * Reads ffprobe's `-show_format -show_streams -of json` report of a file read as `input`; a string says why it is not
 * an acceptable video. `durationMs` is undefined when the container does not record it (WebM straight from a
 * browser's MediaRecorder): then it is measured.
 */
export function parseVideoProbe(json: string, input: UploadContainer): (Omit<VideoProbe, 'durationMs'> & { durationMs: number | undefined }) | string {
  let report: ProbeJson;
  try {
    report = JSON.parse(json) as ProbeJson;
  } catch {
    return 'not a media file ffprobe can read';
  }
  const container = report.format?.format_name;
  if (container === undefined) return 'not a media file ffprobe can read';
  const seconds = report.format?.duration === undefined ? undefined : Number(report.format.duration);
  if (seconds !== undefined && !(seconds > 0)) return 'it lasts no time';
  const video = report.streams?.find((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic !== 1);
  if (!video || video.codec_name === undefined) return 'it has no video stream';
  if (STILL_IMAGE_CODECS.has(video.codec_name)) return `its video stream is a still image (${video.codec_name})`;
  if (!(Number(video.width) > 0 && Number(video.height) > 0)) return 'its video has no picture size';
  return {
    durationMs: seconds === undefined ? undefined : Math.round(seconds * 1000),
    container,
    extension: EXTENSIONS[input],
    videoCodec: video.codec_name,
    width: Number(video.width),
    height: Number(video.height),
    input,
  };
}

/**
 * Reads every packet of the first video stream (demuxing only: fast), with errors reported: a truncated or damaged
 * file fails here though its header reads well. Returns the end time of the last packet, or why reading failed.
 */
async function readThrough(ffprobe: string, input: readonly string[]): Promise<{ lastMs: number | undefined } | { error: string }> {
  const run = await runFfprobe(ffprobe, ['-v', 'error', ...input, '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0'], 60_000);
  const error = run.stderr.trim().split('\n')[0];
  if (run.code !== 0 || error) return { error: error || `ffprobe exited with ${run.code}` };
  let lastMs: number | undefined;
  for (const line of run.stdout.split('\n')) {
    const [pts, duration] = line.split(',').map(Number);
    if (pts === undefined || !Number.isFinite(pts)) continue;
    const endMs = Math.round((pts + (Number.isFinite(duration) ? duration! : 0)) * 1000);
    if (lastMs === undefined || endMs > lastMs) lastMs = endMs;
  }
  return { lastMs };
}

/** Probes `file`; throws NotAVideoError when it is not an acceptable video, or does not read to its end. */
export async function probeVideo(ffprobe: string, file: string): Promise<VideoProbe> {
  const container = await sniffContainer(file);
  if (container === undefined) throw new NotAVideoError('not an MP4 or WebM file (its first bytes are neither)');
  const input = inputArgs(container, file);
  const run = await runFfprobe(ffprobe, ['-v', 'error', ...input, '-show_format', '-show_streams', '-of', 'json'], 30_000);
  if (run.code !== 0) throw new NotAVideoError(`not a playable ${container === 'mov' ? 'MP4' : 'WebM'} file: ${run.stderr.trim().split('\n')[0] ?? ''}`);
  const probe = parseVideoProbe(run.stdout, container);
  if (typeof probe === 'string') throw new NotAVideoError(probe);
  const read = await readThrough(ffprobe, input);
  if ('error' in read) throw new NotAVideoError(`it does not play to the end: ${read.error}`);
  const durationMs = probe.durationMs ?? read.lastMs;
  if (durationMs === undefined || !(durationMs > 0)) throw new NotAVideoError('its duration is unknown');
  return { ...probe, durationMs };
}
