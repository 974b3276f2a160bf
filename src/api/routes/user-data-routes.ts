/** A user's data rights: export everything held about them, and erase them everywhere. Both are audited. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema } from '../../core/schemas.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { eraseUser, exportUser } from '../../service/user-data.js';
import { ACCESS } from '../access.js';
import { requestActor } from '../request-actor.js';

const IdParams = z.strictObject({ id: IdSchema });

export function registerUserDataRoutes(app: FastifyInstance, service: ForyouService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/users/:id/export',
    {
      schema: {
        tags: ['users'],
        summary: 'Everything held about the user, as JSON: profile, settings, events, follows, served items, ' +
          'uploads, inferred interests and what the model holds',
        params: IdParams,
      },
      config: { access: ACCESS.serviceOrSelf('id') },
    },
    async (request, reply) => {
      const exported = await exportUser(service, request.params.id, requestActor(request));
      return reply
        .header('content-disposition', `attachment; filename="foryou-export.json"`)
        .send(exported);
    },
  );

  api.delete(
    '/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Erase the user everywhere: profile, events, served items, uploads, model vectors and snapshots',
        params: IdParams,
      },
      config: { access: ACCESS.serviceOrSelf('id') },
    },
    async (request) => ({ erased: true, ...(await eraseUser(service, request.params.id, requestActor(request))) }),
  );
}
