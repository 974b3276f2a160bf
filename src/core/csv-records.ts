/**
 * How videos, users and events look as CSV rows, for `foryou import` and the files `foryou simulate` writes.
 * A row becomes the same plain object a JSON client would send, and the JSON schemas validate it: CSV adds a
 * spelling, not a second set of rules.
 *
 * Conventions: a header row names the columns, which equal the field names; list fields are separated by `|`;
 * numbers are written as text; an empty cell means the field is absent; a user's settings are the columns
 * `personalized` and `minor` (true/false).
 */
import type { EventInput, User, Video } from './schemas.js';

export type RecordKind = 'videos' | 'users' | 'events';

export const CSV_COLUMNS: Readonly<Record<RecordKind, readonly string[]>> = {
  videos: ['id', 'creator', 'durationMs', 'caption', 'hashtags', 'sound', 'language', 'region', 'createdAt', 'status'],
  users: ['id', 'region', 'createdAt', 'interests', 'personalized', 'minor'],
  events: ['id', 'user', 'video', 'creator', 'type', 'ts', 'watchMs'],
};

export const CSV_LIST_SEPARATOR = '|';

const NUMBER_FIELDS: ReadonlySet<string> = new Set(['durationMs', 'createdAt', 'ts', 'watchMs']);
const LIST_FIELDS: ReadonlySet<string> = new Set(['hashtags', 'interests', 'blockedRegions']);
const SETTINGS_FIELDS: ReadonlySet<string> = new Set(['personalized', 'minor']);
const NUMBER_TEXT = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;

/**
 * The object a CSV row stands for. Text that is not a number in a number column (or not true/false in a settings
 * column) is kept as text, so the schema reports "expected number, received string" for that field.
 */
export function recordFromCsvRow(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  let settings: Record<string, unknown> | undefined;
  for (let i = 0; i < header.length; i++) {
    const text = cells[i];
    if (text === undefined || text === '') continue;
    const field = header[i]!;
    if (NUMBER_FIELDS.has(field)) {
      record[field] = NUMBER_TEXT.test(text) ? Number(text) : text;
    } else if (LIST_FIELDS.has(field)) {
      record[field] = text.split(CSV_LIST_SEPARATOR).map((item) => item.trim());
    } else if (SETTINGS_FIELDS.has(field)) {
      settings ??= {};
      const lower = text.trim().toLowerCase();
      settings[field] = lower === 'true' ? true : lower === 'false' ? false : text;
    } else {
      record[field] = text;
    }
  }
  if (settings !== undefined) record.settings = settings;
  return record;
}

type Cell = string | number | boolean | null | undefined;

/** One CSV line (with its newline), quoting cells that hold a comma, quote or line break. */
export function csvLine(cells: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ',';
    const cell = cells[i];
    if (cell === null || cell === undefined) continue;
    const text = String(cell);
    line += /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }
  return line + '\n';
}

export function videoCsvCells(video: Video): Cell[] {
  return [
    video.id,
    video.creator,
    video.durationMs,
    video.caption,
    video.hashtags.join(CSV_LIST_SEPARATOR),
    video.sound,
    video.language,
    video.region,
    video.createdAt,
    video.status,
  ];
}

export function userCsvCells(user: User): Cell[] {
  return [
    user.id,
    user.region,
    user.createdAt,
    user.interests.join(CSV_LIST_SEPARATOR),
    user.settings.personalized,
    user.settings.minor,
  ];
}

export function eventCsvCells(event: EventInput): Cell[] {
  return [event.id, event.user, event.video, event.creator, event.type, event.ts, event.watchMs];
}
