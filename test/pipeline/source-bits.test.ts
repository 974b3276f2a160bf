import { describe, expect, it } from 'vitest';
import { CandidateSet, MAX_SOURCES } from '../../src/pipeline/candidates.js';
import { NON_PERSONALIZED, PERSONALIZED } from '../../src/pipeline/feed-pipeline.js';
import { BITS, SOURCE_NAMES } from '../../src/pipeline/source-bits.js';

describe('candidate source bits', () => {
  it('gives every source of every plan its own bit, named as the source names itself', () => {
    for (const plan of [PERSONALIZED, NON_PERSONALIZED]) {
      const sources = [...plan.sources, ...plan.backfill];
      for (const source of sources) expect(SOURCE_NAMES[source.bit]).toBe(source.name);
      expect(new Set(sources.map((s) => s.bit)).size).toBe(sources.length);
    }
    expect(Object.keys(BITS)).toHaveLength(SOURCE_NAMES.length);
    expect(SOURCE_NAMES.length).toBeLessThanOrEqual(MAX_SOURCES);
    // Nine sources: the ninth no longer wraps into the first's bit (a Uint8Array mask did).
    expect(SOURCE_NAMES.length).toBeGreaterThan(8);
  });

  it('keeps every bit of the mask and every raw score apart, the highest bit included', () => {
    const candidates = new CandidateSet();
    candidates.reset(10);
    for (let bit = 0; bit < MAX_SOURCES; bit++) candidates.add(3, bit, bit + 0.5);
    expect(candidates.sourceMask[0]).toBe(2 ** MAX_SOURCES - 1);
    for (let bit = 0; bit < MAX_SOURCES; bit++) expect(candidates.rawScore[bit]).toBe(bit + 0.5);
    candidates.add(4, BITS.batch, 1);
    expect(candidates.sourceMask[1]).toBe(1 << BITS.batch);
  });
});
