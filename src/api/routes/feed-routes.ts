import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { FeedQuerySchema, IdSchema } from '../../core/schemas.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { ACCESS } from '../access.js';

export function registerFeedRoutes(app: FastifyInstance, service: ForyouService): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/feed/:user',
    {
      schema: {
        tags: ['feed'],
        summary: "The user's next page: items with score, sources and plain-language reasons",
        description:
          'Served items are recorded, so the next page (pass `cursor`) never repeats them. Modes: personalized, ' +
          'nonpersonalized (no profiling: popular in the region and fresh), following (chronological).',
        params: z.strictObject({ user: IdSchema }),
        querystring: FeedQuerySchema,
      },
      config: { access: ACCESS.serviceOrSelf('user') },
    },
    async (request, reply) => {
      // HEAD (added for every GET) asks what a GET would answer without its effects: serving a page records it.
      if (request.method === 'HEAD') return reply.type('application/json; charset=utf-8').send();
      // A cursor comes from an earlier page, and a first page creates the user: with none, the cursor is not ours,
      // and refusing it before userForFeed keeps a refused request from creating the user.
      if (request.query.cursor !== undefined && !service.state.users.get(request.params.user)) {
        throw new InputError('invalid cursor', [{ field: 'cursor', message: 'no page was served to this user before' }]);
      }
      // Already JSON text: computed (and serialised) by the user's feed worker when there are workers.
      const json = await service.feedPage(request.params.user, request.query);
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/feed/:user/explain/:video',
    {
      schema: {
        tags: ['feed'],
        summary: 'Why a video is, or is not, on the user’s page: every stage it met',
        description:
          'Runs the user’s feed pipeline as GET /v1/feed/:user would with the same query, recording nothing, and ' +
          'reports for the video: the sources that proposed it (with raw scores), each filter passed or failed and ' +
          'why, the scorer’s terms (prediction or input × weight = contribution) and value, its rank, whether the ' +
          're-ranker put it on the page or which diversity rule held it back, and the plain-language reasons.',
        params: z.strictObject({ user: IdSchema, video: IdSchema }),
        querystring: FeedQuerySchema,
      },
      config: { access: ACCESS.serviceOrSelf('user') },
    },
    async (request, reply) => {
      const { user: userId, video } = request.params;
      const user = service.state.users.get(userId);
      // 404s name the path parameter; an explanation never creates the user as a feed request would.
      if (!user) throw new InputError(`unknown user "${userId}"`, [{ field: 'user', message: 'no such user' }], 404);
      const vidx = service.state.catalog.vidx(video);
      // A pending video is unknown to a user's key other than its creator's, as everywhere.
      const principal = request.principal;
      const hidden =
        vidx !== undefined && principal?.role === 'user' && service.state.isPendingVideo(video) && service.state.creatorOfVideo(video) !== principal.user;
      if (vidx === undefined || hidden) {
        throw new InputError(`unknown video "${video}"`, [{ field: 'video', message: 'no such video' }], 404);
      }
      // On the thread that owns the user, like their feed: its replica holds their seen set and recent history.
      const json = await service.callFeed(userId, 'explain', [vidx, request.query]);
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );
}
