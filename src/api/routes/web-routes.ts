/** Serves the web app: a page that shows a user's feed with reasons, through the public HTTP API only. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const PAGE = readFileSync(new URL('../../../web/index.html', import.meta.url), 'utf8');

export function registerWebApp(app: FastifyInstance, demoUser: string | undefined): void {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const page = PAGE.replace('__DEFAULT_USER__', JSON.stringify(demoUser ?? 'demo').replace(/</g, '\\u003c'));
    return reply.type('text/html; charset=utf-8').send(page);
  });
}
