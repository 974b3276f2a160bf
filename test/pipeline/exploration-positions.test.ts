import { describe, expect, it } from 'vitest';
import { isExplorationPosition } from '../../src/pipeline/diversity-reranker.js';

const reserved = (share: number, length: number) =>
  Array.from({ length }, (_, position) => position).filter((position) => isExplorationPosition(position, share));

describe('exploration positions', () => {
  it('spreads the share evenly: with 0.2 the 5th and 10th of every ten', () => {
    expect(reserved(0.2, 30)).toEqual([4, 9, 14, 19, 24, 29]);
    expect(reserved(0.25, 12)).toEqual([3, 7, 11]);
    expect(reserved(0, 50)).toEqual([]);
    expect(reserved(1, 5)).toEqual([0, 1, 2, 3, 4]);
  });

  it('reserves round(share × 10) positions in every page of ten, for any share in tenths', () => {
    for (let tenths = 0; tenths <= 10; tenths++) {
      for (let page = 0; page < 5; page++) {
        const inPage = reserved(tenths / 10, 50).filter((position) => Math.floor(position / 10) === page);
        expect(inPage.length, `share ${tenths / 10}, page ${page}`).toBe(tenths);
      }
    }
  });
});
