/**
 * The probes. While `foryou serve` starts, its boot server answers them (boot-server.ts): /livez 200, /readyz and
 * /healthz 503 with progress. These routes answer once the service is open, so here the service is always ready.
 */
import type { FastifyInstance } from 'fastify';
import type { ForyouService } from '../../service/foryou-service.js';
import { PUBLIC } from '../access.js';

export function registerHealthRoutes(app: FastifyInstance, service: ForyouService): void {
  const probe = (summary: string) => ({ schema: { tags: ['operations'], summary }, config: { access: PUBLIC } });
  app.get('/livez', probe('Liveness: 200 while the process runs, starting included'), async () => ({ status: 'live' }));
  app.get('/readyz', probe('Readiness: 200 once restored and serving; 503 with progress while starting'), async () => ({
    status: 'ready',
  }));
  app.get('/healthz', probe('Ready when 200 (with counts); 503 while starting'), async () => ({
    status: 'ok',
    store: service.store.kind,
    videos: service.state.catalog.size,
    users: service.state.users.size,
    feedWorkers: service.feedWorkers,
  }));
}
