/**
 * GET /media/… serves the media store's files (uploads, demo clips, thumbnails) with HTTP Range (206), so players
 * can seek and start before the download ends. Public: video and img elements send no Authorization header, and
 * the names are unguessable upload ids. Temporaries are dotfiles, never served; no directory is listed.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { MEDIA_URL_PREFIX, type MediaStore } from '../../media/media-store.js';

export async function registerMediaRoutes(app: FastifyInstance, media: MediaStore | undefined): Promise<void> {
  if (!media) return;
  await app.register(fastifyStatic, {
    root: media.root,
    prefix: MEDIA_URL_PREFIX,
    decorateReply: false,
    dotfiles: 'deny',
    index: false,
    list: false,
    acceptRanges: true,
    // Files never change under a name (uploads get new ids), so clients may keep them for a day.
    maxAge: 86_400_000,
  });
}
