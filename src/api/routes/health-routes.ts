import type { FastifyInstance } from 'fastify';
import type { ForyouService } from '../../service/foryou-service.js';
import { PUBLIC } from '../access.js';

export function registerHealthRoutes(app: FastifyInstance, service: ForyouService): void {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'Ready when 200' }, config: { access: PUBLIC } }, async () => ({
    status: 'ok',
    store: service.store.kind,
    videos: service.state.catalog.size,
    users: service.state.users.size,
    feedWorkers: service.feedWorkers,
  }));
}
