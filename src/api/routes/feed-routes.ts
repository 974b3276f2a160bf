import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FeedQuerySchema, IdSchema } from '../../core/schemas.js';
import type { ForyouService } from '../../service/foryou-service.js';

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
    },
    async (request, reply) => {
      // Already JSON text: computed (and serialised) by the user's feed worker when there are workers.
      const json = await service.feedPage(request.params.user, request.query);
      return reply.type('application/json; charset=utf-8').send(json);
    },
  );
}
