/**
 * What the request log says about a request: its method and its route's pattern (`/v1/feed/:user`), never the URL
 * as sent, which names users (and, on their routes, what they watch). A log line is no place for personal data: it
 * is copied, shipped and kept where an erasure cannot reach.
 */
import type { FastifyRequest } from 'fastify';

export function requestLogFields(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    route: request.routeOptions?.url ?? '(no route)',
    remoteAddress: request.ip,
  };
}
