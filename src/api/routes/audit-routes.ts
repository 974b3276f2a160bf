/** The audit log for auditors: read-only pages of entries, and a verification of the whole chain. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ForyouService } from '../../service/foryou-service.js';
import { ACCESS } from '../access.js';

export const AUDIT_PAGE_MAX = 1000;

export function registerAuditRoutes(app: FastifyInstance, service: ForyouService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries in order (hash-chained; pass `next` as `after` for the following page)',
        querystring: z.strictObject({
          after: z.coerce.number().int().min(0).default(0).describe('return entries with seq greater than this'),
          limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(100),
        }),
      },
      config: { access: ACCESS.auditor },
    },
    async (request) => {
      const { after, limit } = request.query;
      const entries = await service.audit.page(after, limit);
      const last = entries.at(-1);
      return { entries, head: await service.audit.head(), next: entries.length === limit && last ? last.seq : null };
    },
  );

  api.get(
    '/v1/audit/verify',
    {
      schema: { tags: ['audit'], summary: 'Recomputes every hash of the chain; names the first bad entry' },
      config: { access: ACCESS.auditor },
    },
    async () => await service.audit.verify(),
  );
}
