import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InputError, type FieldProblem } from '../../core/errors.js';
import { EventBatchSchema, IdSchema, MAX_BATCH_EVENTS } from '../../core/schemas.js';
import type { ErasureTicket } from '../../service/erasure-watch.js';
import { refuseIfErased, type ForyouService } from '../../service/foryou-service.js';
import { ACCESS } from '../access.js';
import { UserEventBudget } from '../request-budget.js';
import { VideoSignalBudget, type VideoSignalLimits } from '../video-signal-budget.js';

/** The erasure ticket each request of a user's own events route holds. */
const erasureTickets = new WeakMap<FastifyRequest, ErasureTicket>();

export function registerEventRoutes(app: FastifyInstance, service: ForyouService, videoSignalLimits: Partial<VideoSignalLimits> = {}): void {
  const userEvents = new UserEventBudget();
  const videoSignals = new VideoSignalBudget(videoSignalLimits);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: `Record up to ${MAX_BATCH_EVENTS} events atomically`,
        description:
          'All events are stored durably or none is: a 400 lists every bad event by index and field. ' +
          'Re-sending an event id of the same user has no further effect (counted in `duplicates`); ids are per user, so ' +
          'one user\'s ids never touch another\'s.',
        body: EventBatchSchema,
      },
      config: { access: ACCESS.service },
      // Validated in the handler, event by event, so one answer lists every bad event (schema and catalogue).
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request) => service.ingest.ingestBody(request.body),
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/users/:id/events',
    {
      schema: {
        tags: ['events'],
        summary: "Record the user's own events atomically (what an app sends with the user's key)",
        description:
          'As POST /v1/events, for one user: every event\'s `user` must be the user of the path, else 403 naming ' +
          'each such event by index (and nothing is stored).',
        params: z.strictObject({ id: IdSchema }),
        body: EventBatchSchema,
      },
      config: { access: ACCESS.serviceOrSelf('id') },
      validatorCompiler: () => (data) => ({ value: data }),
      // Held from the first byte: an erasure of the user while the body streams in refuses the batch (410), rather
      // than its events recreating the user the erasure just removed.
      onRequest: async (request, reply) => {
        const ticket = service.erasures.watch((request.params as { id: string }).id);
        erasureTickets.set(request, ticket);
        reply.raw.once('close', () => ticket.release());
      },
    },
    async (request) => {
      const ticket = erasureTickets.get(request);
      if (ticket) refuseIfErased(ticket);
      refuseOtherUsers(request.body, request.params.id);
      // The operator's backend may relay any volume; a user's own key is a person's app, and all of them together
      // send a bounded rate about any one video.
      if (request.principal?.role === 'user') {
        userEvents.take(request.params.id, eventCount(request.body));
        videoSignals.take(request.body);
      }
      return service.ingest.ingestBody(request.body);
    },
  );
}

/** A 403 listing every event (by index) that names a user other than `user`; the batch is then refused whole. */
function refuseOtherUsers(body: unknown, user: string): void {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return; // the envelope's own check reports it
  const problems: FieldProblem[] = [];
  events.forEach((event: unknown, index) => {
    const named = (event as { user?: unknown } | null)?.user;
    if (named !== user) {
      problems.push({ index, field: 'user', message: `events.${index}.user must be "${user}", the user of the path` });
    }
  });
  if (problems.length > 0) {
    throw new InputError(`${problems.length} of ${events.length} events are not this user's; nothing was stored`, problems, 403);
  }
}

function eventCount(body: unknown): number {
  const events = (body as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? events.length : 0;
}
