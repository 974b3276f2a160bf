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
    async (request) => {
      // A cursor comes from an earlier page, and a first page creates the user: with none, the cursor is not ours,
      // and refusing it before userForFeed keeps a refused request from creating the user.
      if (request.query.cursor !== undefined && !service.state.users.get(request.params.user)) {
        throw new InputError('invalid cursor', [{ field: 'cursor', message: 'no page was served to this user before' }]);
      }
      const user = await service.userForFeed(request.params.user);
      return service.feed.page(user, request.query);
    },
  );
}
