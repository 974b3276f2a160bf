/**
 * POST /v1/users/:id/videos: a creator uploads a video as multipart/form-data (`file`, `caption`, `hashtags`,
 * optional `sound`). The file is streamed into the media store's temporary space (never held in memory), then
 * published by service/uploads.ts. Multipart parsing is registered for this route's scope only: every other route
 * still takes JSON alone.
 */
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { IdSchema } from '../../core/schemas.js';
import { discard } from '../../media/media-store.js';
import type { ErasureTicket } from '../../service/erasure-watch.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { mediaStoreOf, mediaToolsForUploads, publishUpload, UPLOAD_FILE_FIELD } from '../../service/uploads.js';
import { ACCESS } from '../access.js';

/** The default largest upload: minutes of phone video. */
export const DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
const MAX_TEXT_FIELD_BYTES = 16 * 1024;

type UploadRequest = FastifyRequest<{ Params: { id: string } }>;

function formError(field: string, message: string, statusCode = 400): InputError {
  return new InputError(`${field}: ${message}`, [{ field, message }], statusCode);
}

/** Multipart's own refusals, in the API's shape and naming the field at fault. */
function multipartRefusal(error: unknown, maxUploadBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return formError(UPLOAD_FILE_FIELD, `larger than the limit of ${maxUploadBytes} bytes`, 413);
  if (code === 'FST_FILES_LIMIT') return formError(UPLOAD_FILE_FIELD, 'send exactly one file', 413);
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return formError('body', 'too many form fields', 413);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return formError('body', 'send multipart/form-data with the video as the "file" field');
  }
  if (error instanceof InputError) return error;
  // busboy's complaints about a malformed form ("Unexpected end of form", a bad boundary…)
  if (error instanceof Error && !('statusCode' in error && (error as { statusCode: number }).statusCode >= 500)) {
    return formError('body', `malformed multipart form: ${error.message}`);
  }
  return error;
}

/** Uploads of one user's key processed at once: each runs ffprobe and ffmpeg, and sixty at once held everyone's feed. */
export const USER_UPLOADS_IN_FLIGHT = 2;
/** Uploads of one user's key in 24 hours: a busy creator posts a few a day. */
export const USER_UPLOADS_PER_DAY = 50;
const DAY_MS = 86_400_000;

export async function registerUploadRoutes(app: FastifyInstance, service: ForyouService, maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES): Promise<void> {
  const uploadsInFlight = new Map<string, number>();
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: maxUploadBytes, files: 1, fields: 10, parts: 11, fieldSize: MAX_TEXT_FIELD_BYTES },
    });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/v1/users/:id/videos',
      {
        schema: {
          tags: ['catalogue'],
          summary: 'Upload a video as the user (multipart/form-data: file, caption, hashtags, sound)',
          description:
            'The form holds `file` (an MP4 or WebM video), `caption`, `hashtags` (separated by commas or spaces, ' +
            '\'#\' optional) and optionally `sound`. The server reads the duration with ffprobe and makes a thumbnail with the system\'s ffmpeg (none without one), ' +
            'stores the file, and publishes the video live at once (creator = the user): it enters the fresh pool. ' +
            `201 with the video (mediaUrl, thumbnailUrl); 400 naming \`file\` when it is not a video; 413 over ${maxUploadBytes} bytes; ` +
            '503 when ffprobe is not available.',
          params: z.strictObject({ id: IdSchema }),
          consumes: ['multipart/form-data'],
        },
        config: { access: ACCESS.serviceOrSelf('id') },
      },
      async (request, reply) => {
        const creator = request.params.id;
        // A user's own key is a person's app: a few uploads at a time and a day (the operator's backend is not bound).
        const byUser = request.principal?.role === 'user';
        if (byUser) {
          const inFlight = uploadsInFlight.get(creator) ?? 0;
          if (inFlight >= USER_UPLOADS_IN_FLIGHT) {
            throw formError(UPLOAD_FILE_FIELD, `a user may upload ${USER_UPLOADS_IN_FLIGHT} videos at a time; wait for one to finish`, 429);
          }
          uploadsInFlight.set(creator, inFlight + 1);
        }
        // Held from the start: an erasure of the creator while the file streams in or is probed refuses it.
        const ticket = service.erasures.watch(creator);
        try {
          if (byUser) await refuseOverDailyQuota(creator);
          return await receiveUpload(request as unknown as UploadRequest, reply, ticket);
        } finally {
          ticket.release();
          if (byUser) {
            const left = uploadsInFlight.get(creator)! - 1;
            if (left === 0) uploadsInFlight.delete(creator);
            else uploadsInFlight.set(creator, left);
          }
        }
      },
    );
  });

  async function refuseOverDailyQuota(creator: string): Promise<void> {
    const since = Date.now() - DAY_MS;
    const today = (await service.store.videosOfCreator(creator)).filter((video) => video.createdAt > since).length;
    if (today >= USER_UPLOADS_PER_DAY) {
      throw formError(UPLOAD_FILE_FIELD, `a user may upload ${USER_UPLOADS_PER_DAY} videos in 24 hours`, 429);
    }
  }

  async function receiveUpload(request: UploadRequest, reply: FastifyReply, ticket: ErasureTicket): Promise<FastifyReply> {
    // Before reading the body: a server that cannot process videos says so without taking the upload first.
    const tools = await mediaToolsForUploads();
    const media = mediaStoreOf(service);
    if (!request.isMultipart()) throw multipartRefusal({ code: 'FST_INVALID_MULTIPART_CONTENT_TYPE' }, maxUploadBytes);
    const fields: Record<string, string> = {};
    let file: string | undefined;
    try {
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value);
          continue;
        }
        if (part.fieldname !== UPLOAD_FILE_FIELD) {
          part.file.resume();
          throw formError(part.fieldname, `unexpected file; send the video as the "${UPLOAD_FILE_FIELD}" field`);
        }
        file = media.temporaryPath();
        await pipeline(part.file, createWriteStream(file, { flags: 'wx' }));
        if (part.file.truncated) throw multipartRefusal({ code: 'FST_REQ_FILE_TOO_LARGE' }, maxUploadBytes);
      }
    } catch (error) {
      if (file !== undefined) await discard(file);
      throw multipartRefusal(error, maxUploadBytes);
    }
    if (file === undefined) throw formError(UPLOAD_FILE_FIELD, `missing: send the video as the "${UPLOAD_FILE_FIELD}" field`);
    const video = await publishUpload(service, request.params.id, file, fields, tools, Date.now(), ticket);
    return reply.code(201).send(video);
  }
}
