/**
 * The versioned algorithm config: the active version is the latest one in the store. Publishing a change validates
 * the whole resulting config and stores it as a new version; nothing is edited in place.
 */
import { z } from 'zod';
import { AlgorithmConfigSchema, DEFAULT_ALGORITHM, type AlgorithmConfig } from '../core/algorithm.js';
import { InputError } from '../core/errors.js';
import { problemsFromIssues } from '../core/validation.js';
import type { AlgorithmVersionRecord, Store } from '../store/store.js';

export interface AlgorithmVersion extends Omit<AlgorithmVersionRecord, 'config'> {
  config: AlgorithmConfig;
}

/** A change: whole top-level sections to replace (e.g. all of `valueWeights`), with a note saying why. */
export const AlgorithmChangeSchema = z.strictObject({
  changes: AlgorithmConfigSchema.partial().describe('top-level sections to replace; the rest is kept'),
  note: z.string().min(1, 'say why the algorithm changes').max(2000),
  author: z.string().min(1).max(128).default('operator'),
});
export type AlgorithmChange = z.output<typeof AlgorithmChangeSchema>;

/** Sections of the config that only take effect at the next start (the counters they shape are rebuilt then). */
export const APPLIED_AT_RESTART: ReadonlyArray<keyof AlgorithmConfig> = [
  'trendingHalfLifeMs',
  'trendingWeights',
  'freshExposure',
];

/** The active version; a store without any gets the published default as version 1. */
export async function activeAlgorithm(store: Store): Promise<AlgorithmVersion> {
  const latest = await store.latestAlgorithmVersion();
  if (!latest) {
    const first = await store.addAlgorithmVersion(DEFAULT_ALGORITHM, 'foryou', 'the published default');
    return { ...first, config: DEFAULT_ALGORITHM };
  }
  return { ...latest, config: parseStoredConfig(latest) };
}

/** Stored configs from before a section existed get that section's default. */
export function parseStoredConfig(record: AlgorithmVersionRecord): AlgorithmConfig {
  const result = AlgorithmConfigSchema.safeParse(withDefaults(record.config));
  if (!result.success) {
    throw new Error(`algorithm version ${record.version} in the store is invalid: ${result.error.issues[0]?.message}`);
  }
  return result.data;
}

/** Fills sections, and keys inside object sections, that a config stored by an older version lacks. */
function withDefaults(stored: Record<string, unknown>): Record<string, unknown> {
  const filled: Record<string, unknown> = { ...DEFAULT_ALGORITHM };
  for (const [key, value] of Object.entries(stored)) {
    const base = filled[key];
    const isSection = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    filled[key] = isSection(base) && isSection(value) ? { ...(base as object), ...(value as object) } : value;
  }
  return filled;
}

export async function publishAlgorithmVersion(
  store: Store,
  current: AlgorithmVersion,
  change: AlgorithmChange,
): Promise<AlgorithmVersion> {
  const merged = AlgorithmConfigSchema.safeParse({ ...current.config, ...change.changes });
  if (!merged.success) {
    throw new InputError('invalid algorithm config', problemsFromIssues(merged.error.issues, undefined, 'changes'));
  }
  const record = await store.addAlgorithmVersion(merged.data, change.author, change.note);
  return { ...record, config: merged.data };
}

/** Top-level sections whose content differs between two configs. */
export function changedSections(before: AlgorithmConfig, after: AlgorithmConfig): Array<keyof AlgorithmConfig> {
  return (Object.keys(after) as Array<keyof AlgorithmConfig>).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}
