/**
 * A creator's upload becomes a live video: ffprobe reads its duration and checks it is a video (probe-video.ts), a
 * maintained ffmpeg (the system's) makes a thumbnail — without one the video has none and players show its first
 * frame — and the file is moved into the media store under a new video id (never a name from the request, and never the
 * user's id, so an erased user's id is in no file name). Stored like any video, it enters the fresh pool at once.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { completeVideo, IdSchema, VideoSchema, type Video } from '../core/schemas.js';
import { problemsFromIssues } from '../core/validation.js';
import { FfmpegMissingError, locateFfprobe, locateMaintainedFfmpeg } from '../media/ffmpeg.js';
import { discard, type MediaStore } from '../media/media-store.js';
import { inputArgs } from '../media/input-format.js';
import { NotAVideoError, probeVideo, type VideoProbe } from '../media/probe-video.js';
import { makeThumbnail, thumbnailTimeMs } from '../media/thumbnail.js';
import type { ErasureTicket } from './erasure-watch.js';
import type { ForyouService } from './foryou-service.js';

/** The text fields of an upload form. `hashtags`: separated by commas or spaces, '#' optional. */
export const UploadFieldsSchema = z.strictObject({
  caption: z.string().max(4000).default(''),
  hashtags: z
    .string()
    .max(4000)
    .default('')
    .transform((text) => [...new Set(text.split(/[\s,]+/).map((tag) => tag.replace(/^#+/, '')).filter((tag) => tag.length > 0))]),
  sound: IdSchema.optional(),
});
export type UploadFields = z.input<typeof UploadFieldsSchema>;

/** The file field of the upload form. */
export const UPLOAD_FILE_FIELD = 'file';

function fileProblem(message: string, statusCode = 400): InputError {
  return new InputError(`${UPLOAD_FILE_FIELD}: ${message}`, [{ field: UPLOAD_FILE_FIELD, message }], statusCode);
}

/** The service's media store, or a 503: this server keeps no media. */
export function mediaStoreOf(service: ForyouService): MediaStore {
  if (!service.media) throw fileProblem('this server keeps no media files (in-memory store without a media directory)', 503);
  return service.media;
}

/** The programs an upload is processed with: ffprobe reads it, a maintained ffmpeg (when there is one) makes its thumbnail. */
export interface MediaTools {
  ffmpeg: string | undefined;
  ffprobe: string;
}

/** ffprobe and any maintained ffmpeg, or a 503 naming what is missing (a server-side problem: the upload may be fine). */
export async function mediaToolsForUploads(): Promise<MediaTools> {
  try {
    return { ffmpeg: await locateMaintainedFfmpeg(), ffprobe: await locateFfprobe() };
  } catch (error) {
    if (error instanceof FfmpegMissingError) throw fileProblem(`cannot process videos now: ${error.message}`, 503);
    throw error;
  }
}

/** What the uploaded file is; a 400 naming `file` when it is not a video. */
async function probeUpload(ffprobe: string, file: string): Promise<VideoProbe> {
  try {
    return await probeVideo(ffprobe, file);
  } catch (error) {
    if (error instanceof NotAVideoError) throw fileProblem(`not a playable video: ${error.message}`);
    throw error;
  }
}

/** A new upload id: `u` and 16 random base64url characters (id-like, so a safe file name). */
function newUploadId(): string {
  return `u${randomBytes(12).toString('base64url')}`;
}

/**
 * Publishes `file` (a temporary file of the media store, consumed: moved into place or deleted) as a live video of
 * `creator`. Fields are checked before ffprobe runs; a file that is not a video is refused naming `file`.
 */
export async function publishUpload(
  service: ForyouService,
  creator: string,
  file: string,
  fields: Record<string, string>,
  tools: MediaTools,
  now = Date.now(),
  heldTicket?: ErasureTicket,
): Promise<Video> {
  // The route takes its ticket before the file streams in; a caller without one is watched from here.
  const ticket = heldTicket ?? service.erasures.watch(creator);
  const media = mediaStoreOf(service);
  const id = newUploadId();
  try {
    const parsedFields = UploadFieldsSchema.safeParse(fields);
    if (!parsedFields.success) throw new InputError('invalid upload form', problemsFromIssues(parsedFields.error.issues));
    const probe = await probeUpload(tools.ffprobe, file);
    const { caption, hashtags, sound } = parsedFields.data;
    // The creator's region, when known, so the video counts as popular where its audience is.
    const region = service.state.users.get(creator)?.profile.region;
    const parsed = VideoSchema.safeParse({
      id,
      creator,
      durationMs: probe.durationMs,
      caption,
      hashtags,
      ...(sound === undefined ? {} : { sound }),
      ...(region === undefined ? {} : { region }),
      createdAt: now,
      status: 'live',
      mediaUrl: media.url('uploads', id, probe.extension),
      ...(tools.ffmpeg === undefined ? {} : { thumbnailUrl: media.url('uploads', id, 'jpg') }),
    });
    if (!parsed.success) throw new InputError('invalid upload form', problemsFromIssues(parsed.error.issues));
    const ffmpeg = tools.ffmpeg;
    if (ffmpeg !== undefined) {
      await media.writeAtomically('uploads', id, 'jpg', (temporary) =>
        makeThumbnail(ffmpeg, inputArgs(probe.input, file), temporary, thumbnailTimeMs(probe.durationMs)),
      );
    }
    await media.commit(file, 'uploads', id, probe.extension);
    const video = completeVideo(parsed.data, now);
    // Checked in the same turn as the store write below (the store writes before its first await): an erasure that
    // began earlier is seen here, one that begins later finds the video stored and erases it with the rest.
    if (ticket.erased) throw new InputError('the creator was erased during the upload; nothing was published', [{ field: 'id', message: 'user erased' }], 410);
    await service.putVideo(video);
    return video;
  } catch (error) {
    await discard(file);
    await media.removeUpload(id);
    throw error;
  } finally {
    if (heldTicket === undefined) ticket.release();
  }
}
