/** Records every key created or revoked in the audit log: who did it, the key's id and role, and (pseudonymised) its user. */
import type { KeyChange } from '../auth/api-keys.js';
import type { AuditLog } from './audit-log.js';

export function auditKeyChanges(audit: AuditLog, actor: string): (change: KeyChange) => Promise<void> {
  return async (change) => {
    const subject = change.user === null ? '' : await audit.pseudonym(change.user);
    await audit.append(`key.${change.action === 'create' ? 'created' : 'revoked'}`, actor, { keyId: change.keyId, role: change.role }, subject, change.at);
  };
}
