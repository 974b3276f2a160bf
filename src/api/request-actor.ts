import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/api-keys.js';

/**
 * Who made a request, as the audit log names them: the key's role and id (never the key). A user key is named by its
 * id alone: audit entries carry no user ids, and the key id leads to the user only through the key table, whose
 * rows go with the user's erasure.
 */
export function requestActor(request: FastifyRequest): string {
  return principalName(request.principal);
}

export function principalName(principal: Principal | undefined): string {
  return principal === undefined ? 'anonymous' : `${principal.role} key ${principal.keyId}`;
}
