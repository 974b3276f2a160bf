import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VidxSet } from '../../src/features/vidx-set.js';

describe('VidxSet', () => {
  it('answers membership and size exactly like a Set, through many growths', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 3000 }), fc.array(fc.integer({ min: 0, max: 2_000_000 })), (added, probes) => {
        const set = new VidxSet();
        const reference = new Set<number>();
        for (const vidx of added) {
          set.add(vidx);
          reference.add(vidx);
        }
        expect(set.size).toBe(reference.size);
        for (const vidx of [...added, ...probes]) expect(set.has(vidx)).toBe(reference.has(vidx));
      }),
      { numRuns: 200 },
    );
  });

  it('deletes exactly like a Set, whatever the order of adds and deletes (chains stay unbroken)', () => {
    const operation = fc.record({ add: fc.boolean(), vidx: fc.integer({ min: 0, max: 300 }) });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 2000 }), (operations) => {
        const set = new VidxSet();
        const reference = new Set<number>();
        for (const { add, vidx } of operations) {
          if (add) {
            set.add(vidx);
            reference.add(vidx);
          } else {
            expect(set.delete(vidx)).toBe(reference.delete(vidx));
          }
        }
        expect(set.size).toBe(reference.size);
        for (let vidx = 0; vidx <= 300; vidx++) expect(set.has(vidx)).toBe(reference.has(vidx));
      }),
      { numRuns: 200 },
    );
  });

  it('holds consecutive indexes (one creator’s uploads) and index 0', () => {
    const set = new VidxSet();
    for (let vidx = 0; vidx < 100_000; vidx++) set.add(vidx);
    expect(set.size).toBe(100_000);
    expect(set.has(0)).toBe(true);
    expect(set.has(99_999)).toBe(true);
    expect(set.has(100_000)).toBe(false);
  });
});
