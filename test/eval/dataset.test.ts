import { describe, expect, it } from 'vitest';
import { buildEvalDataset } from '../../src/eval/dataset.js';
import { parseInteractionCsv } from '../../src/eval/interaction-csv.js';

describe('interaction CSV', () => {
  it('finds user and item by header name, in any order, with optional columns', () => {
    const rows = parseInteractionCsv('timestamp,item,watch_ratio,user,rating\n5,i1,0.5,u1,4\n6,i2,,u2,\n');
    expect(rows.users).toEqual(['u1', 'u2']);
    expect(rows.items).toEqual(['i1', 'i2']);
    expect(Array.from(rows.timestamp!)).toEqual([5, 6]);
    expect(rows.watchRatio![0]).toBe(0.5);
    expect(Number.isNaN(rows.watchRatio![1])).toBe(true);
    expect(rows.rating![0]).toBe(4);
  });

  it('handles CRLF, quoted ids and a header-only file', () => {
    const rows = parseInteractionCsv('user,item\r\n"a,b",x\r\nc,"y ""z"""\r\n');
    expect(rows.users).toEqual(['a,b', 'c']);
    expect(rows.items).toEqual(['x', 'y "z"']);
    expect(parseInteractionCsv('user,item\n').users).toEqual([]);
  });

  it('refuses a file without user and item columns', () => {
    expect(() => parseInteractionCsv('a,b\n1,2\n', 'f.csv')).toThrow(/f\.csv: the header must name the columns "user" and "item"/);
  });
});

describe('evaluation data set (split and masking rules)', () => {
  const train = parseInteractionCsv('user,item\nu1,a\nu1,b\nu2,b\nu2,c\nu3,a\nu1,a\n');
  const test = parseInteractionCsv('user,item\nu1,c\nu1,new\nu1,c\nu2,a\nstranger,a\n');
  const data = buildEvalDataset(train, test);

  it('indexes training users and items, merging repeated pairs', () => {
    expect(data.userIds).toEqual(['u1', 'u2', 'u3']);
    expect(data.itemIds).toEqual(['a', 'b', 'c']);
    expect(data.train.userItems.length).toBe(5);
  });

  it('scores only users present in both files', () => {
    expect(Array.from(data.testUsers).map((u) => data.userIds[u])).toEqual(['u1', 'u2']);
    expect(data.skippedTestRows).toBe(1);
  });

  it('counts every distinct test item as relevant, including items training never saw', () => {
    expect(Array.from(data.relevantCounts)).toEqual([2, 1]);
    // Only items of the training catalogue can be hit.
    expect(Array.from(data.testItems.subarray(data.testPtr[0], data.testPtr[1])).map((i) => data.itemIds[i])).toEqual(['c']);
    expect(Array.from(data.testItems.subarray(data.testPtr[1], data.testPtr[2])).map((i) => data.itemIds[i])).toEqual(['a']);
  });
});
