/** A user's data rights: export everything held about them, and erase them everywhere. Both are audited. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { IdSchema } from '../../core/schemas.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { eraseUser, exportUser } from '../../service/user-data.js';
import { ACCESS } from '../access.js';
import { requestActor } from '../request-actor.js';

const IdParams = z.strictObject({ id: IdSchema });

/** Exports a user's own key may ask for in an hour; the operator's backend is not bound. */
export const USER_EXPORTS_PER_HOUR = 6;
const HOUR_MS = 3_600_000;

/** Exports running and recently asked for, per user. */
class ExportBudget {
  private readonly running = new Set<string>();
  private readonly recent = new Map<string, number[]>();

  begin(user: string, byUserKey: boolean, now = Date.now()): void {
    if (this.running.has(user)) {
      throw new InputError('an export of this user is running', [{ field: 'id', message: 'one export at a time; wait for it to finish' }], 429);
    }
    if (byUserKey) {
      const times = (this.recent.get(user) ?? []).filter((t) => t > now - HOUR_MS);
      if (times.length >= USER_EXPORTS_PER_HOUR) {
        throw new InputError('export limit exceeded', [{ field: 'id', message: `a user's key may export ${USER_EXPORTS_PER_HOUR} times an hour` }], 429);
      }
      times.push(now);
      this.recent.set(user, times);
    }
    this.running.add(user);
  }

  end(user: string): void {
    this.running.delete(user);
  }
}

export function registerUserDataRoutes(app: FastifyInstance, service: ForyouService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const exports = new ExportBudget();

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
      const user = request.params.id;
      // Each export reads the whole account: one at a time per user, and a few an hour from the user's own key.
      exports.begin(user, request.principal?.role === 'user');
      try {
        const exported = await exportUser(service, user, requestActor(request));
        // 'end' once the last byte is handed to the socket (before the client has it); 'close' also when it hangs up.
        exported.once('end', () => exports.end(user));
        exported.once('close', () => exports.end(user));
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="foryou-export.json"`)
          .send(exported);
      } catch (error) {
        exports.end(user);
        throw error;
      }
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
