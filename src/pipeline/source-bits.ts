/**
 * Every candidate source, in the order of their bits in a candidate's source mask. Bits and the names items carry
 * in `sources` are derived from this one list, so a new source cannot collide with another's bit or lose its name.
 */
import { MAX_SOURCES } from './candidates.js';

const SOURCES = [
  ['following', 'following'],
  ['trending', 'trending'],
  ['fresh', 'fresh'],
  ['catalogue', 'catalogue'],
  ['coEngagement', 'co-engagement'],
  ['embedding', 'embedding'],
  ['topic', 'topic'],
  ['onboarding', 'onboarding'],
  ['batch', 'batch-model'],
] as const;

export type SourceKey = (typeof SOURCES)[number][0];
export type SourceBits = Readonly<Record<SourceKey, number>>;

if (SOURCES.length > MAX_SOURCES) {
  throw new Error(`${SOURCES.length} candidate sources do not fit a source mask of ${MAX_SOURCES} bits`);
}

export const BITS: SourceBits = Object.fromEntries(SOURCES.map(([key], bit) => [key, bit])) as Record<SourceKey, number>;

/** The name of the source at each bit. */
export const SOURCE_NAMES: readonly string[] = SOURCES.map(([, name]) => name);
