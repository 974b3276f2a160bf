/** A JPEG still of a video, for feeds and profile grids to show before the video loads. */
import { runFfmpegOrThrow } from './ffmpeg.js';

/** Width of thumbnails; the height keeps the video's aspect ratio. */
export const THUMBNAIL_WIDTH = 360;

/**
 * Writes a JPEG of the frame at `atMs` (clamped into the video by the caller) to `output`. `input`: ffmpeg's input
 * options, `['-i', file]` for the project's own clips, input-format.ts's forced demuxer for uploads.
 */
export async function makeThumbnail(ffmpeg: string, input: readonly string[], output: string, atMs: number): Promise<void> {
  const at = (Math.max(0, atMs) / 1000).toFixed(3);
  await runFfmpegOrThrow(
    ffmpeg,
    ['-y', '-ss', at, ...input, '-frames:v', '1', '-vf', `scale=${THUMBNAIL_WIDTH}:-2`, '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', output],
    'make a thumbnail',
  );
}

/** Where a thumbnail is taken: a second in, or the middle of a shorter video (the first frame is often black). */
export function thumbnailTimeMs(durationMs: number): number {
  return Math.min(1000, durationMs / 2);
}
