/**
 * Every algorithm version goes into the audit log with its full content and its difference from the version before.
 * Run after every publish and at every start: a version stored just before a crash, or before the audit log
 * existed (the published default of an older store), is audited then.
 */
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit-log.js';

/** The highest algorithm version already in the audit log. */
const AUDITED_VERSION_META = 'audit.algorithmVersion';

export interface ConfigChange {
  /** Dotted path of the changed value, e.g. `valueWeights.like`. */
  path: string;
  before: unknown;
  after: unknown;
}

/** Leaf-level differences between two configs (a value absent on one side is `undefined` there). */
export function configDiff(before: unknown, after: unknown, path = ''): ConfigChange[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => configDiff(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

export async function auditAlgorithmVersions(store: Store, audit: AuditLog): Promise<number> {
  const audited = Number((await store.getMeta(AUDITED_VERSION_META)) ?? 0);
  const versions = await store.listAlgorithmVersions();
  let appended = 0;
  for (let i = 0; i < versions.length; i++) {
    const version = versions[i]!;
    if (version.version <= audited) continue;
    const previous = versions[i - 1];
    await audit.append(
      'algorithm.version',
      version.author,
      {
        version: version.version,
        createdAt: version.createdAt,
        note: version.note,
        config: version.config,
        previousVersion: previous?.version ?? null,
        changes: previous ? configDiff(previous.config, version.config) : [],
      },
      `algorithm:${version.version}`,
    );
    await store.setMeta(AUDITED_VERSION_META, String(version.version));
    appended++;
  }
  return appended;
}
