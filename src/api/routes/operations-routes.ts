/** For operators: the running service's own state (log position, snapshots, event-loop pauses), and a snapshot on demand. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { basename } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { ForyouService } from '../../service/foryou-service.js';
import { ACCESS } from '../access.js';

export function registerOperationsRoutes(app: FastifyInstance, service: ForyouService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/ops/runtime',
    {
      schema: { tags: ['operations'], summary: 'Log position, the snapshot started from and the latest, event-loop pauses since ready' },
      config: { access: ACCESS.algorithmReader },
    },
    async () => ({
      position: service.state.position,
      restoredFrom: service.restoredFrom ?? null,
      lastSnapshot: service.lastWrittenSnapshot ?? null,
      eventLoop: service.loopDelay.summary(),
      /** Log entries stored and acknowledged that this thread's state has not applied yet. */
      applyBacklog: service.applier.pending,
      feedWorkers: service.feedWorkers,
    }),
  );

  api.post(
    '/v1/ops/catch-up',
    {
      schema: {
        tags: ['operations'],
        summary: 'Waits until every event stored so far is applied to every replica (events are acknowledged once stored, and learned behind)',
      },
      config: { access: ACCESS.service },
    },
    async () => {
      const start = performance.now();
      await service.caughtUp();
      return { position: service.state.position, waitedMs: Math.round(performance.now() - start) };
    },
  );

  api.post(
    '/v1/ops/snapshot',
    {
      schema: { tags: ['operations'], summary: 'Writes a snapshot of the whole online state now (a feed worker writes it; feeds go on)' },
      config: { access: ACCESS.service },
    },
    async () => {
      const written = await service.snapshotState({ force: true });
      if (!written) {
        throw new InputError('this service keeps no snapshots (an in-memory store)', [{ field: 'store', message: 'in-memory' }], 409);
      }
      return { path: basename(written.path), position: written.manifest.position, ms: Math.round(written.ms), bytes: written.manifest.state.bytes + (written.manifest.ann?.bytes ?? 0), pruned: written.pruned };
    },
  );
}
