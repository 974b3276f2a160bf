import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { EventBatchSchema, MAX_BATCH_EVENTS } from '../../core/schemas.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { ACCESS } from '../access.js';

export function registerEventRoutes(app: FastifyInstance, service: ForyouService): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: `Record up to ${MAX_BATCH_EVENTS} events atomically`,
        description:
          'All events are stored durably or none is: a 400 lists every bad event by index and field. ' +
          'Re-sending an event id has no further effect (counted in `duplicates`).',
        body: EventBatchSchema,
      },
      config: { access: ACCESS.service },
      // Validated in the handler, event by event, so one answer lists every bad event (schema and catalogue).
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request) => service.ingest.ingestBody(request.body),
  );
}
