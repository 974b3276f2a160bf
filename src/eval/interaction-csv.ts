/**
 * Reads an interaction file for `foryou eval`: a header line, then rows with the columns `user` and `item` and
 * optionally `rating`, `timestamp` and `watch_ratio`, in any order (found by name). Columns it does not know are
 * ignored. Ids stay text; the numbers are NaN where a row leaves them empty.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface InteractionRows {
  users: string[];
  items: string[];
  rating?: Float64Array;
  timestamp?: Float64Array;
  watchRatio?: Float64Array;
}

const OPTIONAL_COLUMNS = { rating: 'rating', timestamp: 'timestamp', watch_ratio: 'watchRatio' } as const;

export function readInteractionCsv(path: string): InteractionRows {
  const text = readFileSync(path, 'utf8');
  return parseInteractionCsv(text, path);
}

export function parseInteractionCsv(text: string, name = 'input'): InteractionRows {
  const rows = splitRows(text);
  const header = rows[0];
  if (!header) throw new Error(`${name}: empty file (a header line "user,item,…" is required)`);
  const columns = header.map((cell) => cell.trim().toLowerCase().replace(/^\ufeff/, ''));
  const userAt = columns.indexOf('user');
  const itemAt = columns.indexOf('item');
  if (userAt < 0 || itemAt < 0) {
    throw new Error(`${name}: the header must name the columns "user" and "item" (found: ${columns.join(',')})`);
  }
  const count = rows.length - 1;
  const result: InteractionRows = { users: new Array<string>(count), items: new Array<string>(count) };
  const numeric: Array<[number, Float64Array]> = [];
  for (const [column, field] of Object.entries(OPTIONAL_COLUMNS)) {
    const at = columns.indexOf(column);
    if (at < 0) continue;
    const values = new Float64Array(count);
    result[field] = values;
    numeric.push([at, values]);
  }
  let kept = 0;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const user = row[userAt]?.trim() ?? '';
    const item = row[itemAt]?.trim() ?? '';
    if (user === '' || item === '') {
      if (row.length === 1 && row[0]!.trim() === '') continue; // blank line
      throw new Error(`${name}: line ${r + 1} has no ${user === '' ? 'user' : 'item'}`);
    }
    result.users[kept] = user;
    result.items[kept] = item;
    for (const [at, values] of numeric) {
      const cell = row[at]?.trim() ?? '';
      values[kept] = cell === '' ? Number.NaN : Number(cell);
    }
    kept++;
  }
  result.users.length = kept;
  result.items.length = kept;
  for (const field of Object.values(OPTIONAL_COLUMNS)) {
    const values = result[field];
    if (values) result[field] = values.slice(0, kept);
  }
  return result;
}

/** Plain comma-separated text is split directly (fast); anything quoted goes through a full CSV parser. */
function splitRows(text: string): string[][] {
  if (!text.includes('"')) {
    const lines = text.split(/\r?\n/);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.map((line) => line.split(','));
  }
  return parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
}
