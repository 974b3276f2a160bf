import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, readCsvRecords, readJsonLines, type RawBatch } from '../../src/import/record-readers.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

async function readAll(batches: AsyncIterable<RawBatch>) {
  const all: RawBatch = { values: [], lines: [], rejects: [], bytes: 0 };
  for await (const batch of batches) {
    all.values.push(...batch.values);
    all.lines.push(...batch.lines);
    all.rejects.push(...batch.rejects);
    all.bytes += batch.bytes;
  }
  return all;
}

function file(name: string, content: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}

describe('readJsonLines', () => {
  it('reads lines across chunk boundaries, multi-byte characters included', async () => {
    // ~2 MB: several 512 KB chunks, with 'ü' and an emoji bound to straddle some chunk boundaries.
    const records = Array.from({ length: 20_000 }, (_, i) => ({ id: `v${i}`, caption: `grüße 🎉 ${'x'.repeat(i % 90)}` }));
    const content = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const path = file('big.jsonl', content);
    const read = await readAll(readJsonLines(path, 'big.jsonl'));
    expect(read.rejects).toEqual([]);
    expect(read.values).toEqual(records);
    expect(read.lines).toEqual(records.map((_, i) => i + 1));
    expect(read.bytes).toBe(Buffer.byteLength(content));
  });

  it('takes CRLF line ends, blank lines and a last line without newline', async () => {
    const path = file('crlf.jsonl', '{"a":1}\r\n\r\n  \n{"a":2}\r\n{"a":3}');
    const read = await readAll(readJsonLines(path, 'crlf.jsonl'));
    expect(read.values).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(read.lines).toEqual([1, 4, 5]);
    expect(read.rejects).toEqual([]);
  });

  it('rejects an over-long line without holding it, and goes on after it', async () => {
    const path = file('long.jsonl', `{"a":1}\n{"a":"${'x'.repeat(MAX_LINE_CHARS + 10)}"}\n{"a":3}\n`);
    const read = await readAll(readJsonLines(path, 'long.jsonl'));
    expect(read.values).toEqual([{ a: 1 }, { a: 3 }]);
    expect(read.lines).toEqual([1, 3]);
    expect(read.rejects).toEqual([
      { file: 'long.jsonl', line: 2, problems: [{ field: 'line', message: `longer than ${MAX_LINE_CHARS} characters` }] },
    ]);
  });
});

describe('readCsvRecords', () => {
  it('maps columns by header name: numbers, | lists, settings, empty cells absent, quoting', async () => {
    const path = file(
      'users.csv',
      '\uFEFFinterests,id,createdAt,minor,region,personalized\n' +
        'dance|cooking,u1,1700000000000,true,DE,false\n' +
        ',u2,,,,\n' +
        '"a, b|c ""d""",u3,soon,maybe,"multi\nline",TRUE\n',
    );
    const read = await readAll(readCsvRecords(path, 'users.csv'));
    expect(read.rejects).toEqual([]);
    expect(read.values).toEqual([
      { interests: ['dance', 'cooking'], id: 'u1', createdAt: 1_700_000_000_000, region: 'DE', settings: { minor: true, personalized: false } },
      { id: 'u2' },
      // Not numbers / not booleans stay text, for the schema to name.
      { interests: ['a, b', 'c "d"'], id: 'u3', createdAt: 'soon', region: 'multi\nline', settings: { minor: 'maybe', personalized: true } },
    ]);
    // A record spanning lines is reported at its last line.
    expect(read.lines).toEqual([2, 3, 5]);
  });

  it('rejects records with the wrong number of columns or a stray quote and goes on', async () => {
    const path = file('events.csv', 'id,user\na,b\nc\nd,e"x\nf,g\n');
    const read = await readAll(readCsvRecords(path, 'events.csv'));
    expect(read.values).toEqual([{ id: 'a', user: 'b' }, { id: 'f', user: 'g' }]);
    expect(read.lines).toEqual([2, 5]);
    expect(read.rejects.map((r) => [r.line, r.problems[0]!.field])).toEqual([
      [3, 'line'],
      [4, 'line'],
    ]);
    expect(read.rejects[0]!.problems[0]!.message).toBe('expected 2 columns, got 1');
    expect(read.rejects[1]!.problems[0]!.message).toMatch(/^malformed CSV: Invalid Opening Quote/);
  });

  it('stops at a record longer than the limit, saying so, instead of holding it or losing lines silently', async () => {
    const path = file('huge.csv', `id,user\na,b\nc,"${'x'.repeat(MAX_LINE_CHARS + 10)}\nd,e\n`);
    const read = await readAll(readCsvRecords(path, 'huge.csv'));
    expect(read.values).toEqual([{ id: 'a', user: 'b' }]);
    expect(read.rejects).toHaveLength(1);
    expect(read.rejects[0]!.line).toBe(3);
    expect(read.rejects[0]!.problems[0]!.message).toMatch(/the rest of the file was not read/);
  });

  it('rejects a quote left open: it swallows the rest of the file, as CSV quoting allows no other reading', async () => {
    const path = file('open-quote.csv', 'id,user\na,b\n"c,d\ne,f\n');
    const read = await readAll(readCsvRecords(path, 'open-quote.csv'));
    expect(read.values).toEqual([{ id: 'a', user: 'b' }]);
    expect(read.rejects).toHaveLength(1);
    expect(read.rejects[0]!.problems[0]!.message).toMatch(/^malformed CSV: Quote Not Closed/);
  });
});
