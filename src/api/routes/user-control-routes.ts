/** A user's own controls over their feed: personalisation on or off, and a reset of the learned profile. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdSchema } from '../../core/schemas.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { changeSettings, resetProfile, SettingsPatchSchema } from '../../service/user-controls.js';
import { ACCESS } from '../access.js';
import { requestActor } from '../request-actor.js';

const IdParams = z.strictObject({ id: IdSchema });

export function registerUserControlRoutes(app: FastifyInstance, service: ForyouService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.patch(
    '/v1/users/:id/settings',
    {
      schema: {
        tags: ['users'],
        summary: "Change the user's own settings: `personalized` (false = a feed not based on profiling)",
        description: 'Fields left out keep their value. Applies to the next page requested without `mode`. Returns the user.',
        params: IdParams,
        body: SettingsPatchSchema,
      },
      config: { access: ACCESS.serviceOrSelf('id') },
    },
    async (request) => changeSettings(service, request.params.id, request.body),
  );

  api.post(
    '/v1/users/:id/reset',
    {
      schema: {
        tags: ['users'],
        summary: 'Forget the recommendation profile learned from the user\u2019s history; follows and blocks stay',
        description:
          'The ranker\u2019s vector of the user, their topic profile and recent engagements are forgotten in every ' +
          'replica, and the next page is built as for a newcomer (plus follows). Their events stay stored (export or ' +
          'erase them separately). Audited under the user\u2019s pseudonym.',
        params: IdParams,
      },
      config: { access: ACCESS.serviceOrSelf('id') },
    },
    async (request) => resetProfile(service, request.params.id, requestActor(request)),
  );
}
