/** Videos and users: PUT to create or replace, GET to read. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InputError, NotFoundError } from '../../core/errors.js';
import { completeUser, completeVideo, IdSchema, UserBodySchema, VideoBodySchema } from '../../core/schemas.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { ACCESS } from '../access.js';

const IdParams = z.strictObject({ id: IdSchema });
const CreatorVideosQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

function checkBodyId(bodyId: string | undefined, pathId: string): void {
  if (bodyId !== undefined && bodyId !== pathId) {
    throw new InputError('id in body differs from id in path', [{ field: 'id', message: `must equal "${pathId}"` }]);
  }
}

export function registerCatalogRoutes(app: FastifyInstance, service: ForyouService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.put(
    '/v1/videos/:id',
    {
      schema: {
        tags: ['catalogue'],
        summary: 'Create or replace a video; only live videos are ever served',
        params: IdParams,
        body: VideoBodySchema,
      },
      config: { access: ACCESS.service },
    },
    async (request, reply) => {
      const { id } = request.params;
      checkBodyId(request.body.id, id);
      const existing = service.state.catalog.get(id);
      // Re-putting a video keeps its original creation time unless the client sets one.
      const video = completeVideo({ ...request.body, id }, existing?.createdAt ?? Date.now());
      await service.putVideo(video);
      return reply.code(existing ? 200 : 201).send(video);
    },
  );

  api.get(
    '/v1/videos/:id',
    {
      schema: { tags: ['catalogue'], summary: 'A video and its engagement counters', params: IdParams },
      config: { access: ACCESS.service },
    },
    async (request) => {
      const { catalog, engagement } = service.state;
      const vidx = catalog.vidx(request.params.id);
      if (vidx === undefined) throw new NotFoundError(`unknown video "${request.params.id}"`);
      return {
        ...catalog.video(vidx),
        stats: {
          impressions: engagement.count(vidx, 'impressions'),
          plays: engagement.plays(vidx),
          finishes: engagement.finishes(vidx),
          meanWatchRatio: engagement.plays(vidx) > 0 ? engagement.count(vidx, 'watchRatioSum') / engagement.plays(vidx) : null,
          likes: engagement.count(vidx, 'likes'),
          shares: engagement.count(vidx, 'shares'),
          comments: engagement.count(vidx, 'comments'),
          follows: engagement.count(vidx, 'follows'),
          skips: engagement.skips(vidx),
          negatives: engagement.count(vidx, 'negatives'),
          trending: engagement.trendingValue(vidx, Date.now()),
        },
        exposure: service.state.freshExposure.describe(vidx),
      };
    },
  );

  api.get(
    '/v1/creators/:id/videos',
    {
      schema: {
        tags: ['catalogue'],
        summary: "A creator's live videos, newest first (a profile grid)",
        description: 'An unknown creator has no videos (an empty list, not a 404: any key may ask about anyone).',
        params: IdParams,
        querystring: CreatorVideosQuery,
      },
      config: { access: ACCESS.anyKey },
    },
    async (request) => {
      const { catalog } = service.state;
      const creator = catalog.creatorNumber(request.params.id);
      const videos = creator === undefined ? [] : catalog.videosOfCreator[creator]!.filter((vidx) => catalog.live[vidx] === 1);
      videos.sort((a, b) => catalog.createdAt[b]! - catalog.createdAt[a]! || b - a);
      return { creator: request.params.id, videos: videos.slice(0, request.query.limit).map((vidx) => catalog.video(vidx)) };
    },
  );

  api.put(
    '/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Create or replace a user (region, onboarding interests, settings)',
        params: IdParams,
        body: UserBodySchema,
      },
      config: { access: ACCESS.service },
    },
    async (request, reply) => {
      const { id } = request.params;
      checkBodyId(request.body.id, id);
      const existing = service.state.users.get(id);
      const user = completeUser({ ...request.body, id }, existing?.profile.createdAt ?? Date.now());
      await service.putUser(user);
      return reply.code(existing ? 200 : 201).send(user);
    },
  );

  api.get(
    '/v1/users/:id',
    {
      schema: { tags: ['users'], summary: 'A user profile, whom they follow and what they have seen', params: IdParams },
      config: { access: ACCESS.serviceOrSelf('id') },
    },
    async (request) => {
      const user = service.state.users.get(request.params.id);
      if (!user) throw new NotFoundError(`unknown user "${request.params.id}"`);
      return {
        ...user.profile,
        following: [...user.follows],
        notInterestedCreators: [...user.notInterestedCreators],
        notInterestedSounds: Object.fromEntries(user.notInterestedSounds),
        seenVideos: user.seen.size,
      };
    },
  );
}
