/** Serves the web app: a page that shows a user's feed with reasons, through the public HTTP API only. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../access.js';

const PAGE = readFileSync(new URL('../../../web/index.html', import.meta.url), 'utf8');

/** A value as a JavaScript literal that cannot close the page's script element. */
function scriptLiteral(value: string | null): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** `demoKey` (demo mode only) lets the page call the API as the demo user; otherwise the visitor pastes a key. */
export function registerWebApp(app: FastifyInstance, demoUser: string | undefined, demoKey?: string): void {
  const page = PAGE.replace('__DEFAULT_USER__', scriptLiteral(demoUser ?? 'demo')).replace('__API_KEY__', scriptLiteral(demoKey ?? null));
  app.get('/', { schema: { hide: true }, config: { access: PUBLIC } }, async (_request, reply) => {
    return reply.type('text/html; charset=utf-8').send(page);
  });
}
