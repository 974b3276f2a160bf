/**
 * Every batch model version that serving may use goes into the audit log: which model, fitted on how much of the
 * log (up to which position), and how long it took — whether `foryou train` or the serving retrainer fitted it.
 */
import type { BatchTrainingResult } from '../models/batch-training.js';
import type { AuditLog } from './audit-log.js';

export async function auditBatchModel(audit: AuditLog, result: BatchTrainingResult, actor: string): Promise<void> {
  const { model, version, users, items, interactions, events, seq, trainSeconds } = result;
  await audit.append('model.version', actor, { model, version, users, items, interactions, events, seq, trainSeconds }, `${model} v${version}`);
}
