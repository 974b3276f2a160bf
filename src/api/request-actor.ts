import type { FastifyRequest } from 'fastify';

/**
 * Who made a request, as the audit log names them. Access control is not in yet, so every caller is anonymous;
 * when keys land, this answers the key's owner and role.
 */
export function requestActor(_request: FastifyRequest): string {
  return 'anonymous';
}
