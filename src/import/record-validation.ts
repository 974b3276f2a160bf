/**
 * Validates imported records with the same zod schemas as the HTTP API, so a file is held to exactly the rules of a
 * request body. Pure (no store, no catalogue), so it can run on a worker thread.
 */
import type { z } from 'zod';
import type { RecordKind } from '../core/csv-records.js';
import type { FieldProblem } from '../core/errors.js';
import { EventSchema, UserSchema, VideoSchema } from '../core/schemas.js';
import type { RawBatch, RejectedLine } from './record-readers.js';

export const RECORD_SCHEMAS = { videos: VideoSchema, users: UserSchema, events: EventSchema } as const;
export type ValidRecord<K extends RecordKind> = z.output<(typeof RECORD_SCHEMAS)[K]>;

/** A batch whose `values` all passed their schema; the others are now among `rejects`. */
export interface ValidatedBatch<K extends RecordKind = RecordKind> {
  values: ValidRecord<K>[];
  lines: number[];
  rejects: RejectedLine[];
  bytes: number;
}

export function validateBatch<K extends RecordKind>(kind: K, file: string, raw: RawBatch): ValidatedBatch<K> {
  const schema = RECORD_SCHEMAS[kind];
  const values: ValidRecord<K>[] = [];
  const lines: number[] = [];
  const rejects = raw.rejects;
  const parseRejects = rejects.length > 0;
  for (let i = 0; i < raw.values.length; i++) {
    const result = schema.safeParse(raw.values[i]);
    if (result.success) {
      values.push(result.data as ValidRecord<K>);
      lines.push(raw.lines[i]!);
    } else {
      rejects.push({ file, line: raw.lines[i]!, problems: problemsOf(result.error) });
    }
  }
  if (parseRejects) rejects.sort((a, b) => a.line - b.line);
  return { values, lines, rejects, bytes: raw.bytes };
}

/** zod issues as field problems: the field's dotted path (or the unknown keys) and zod's message. */
export function problemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return { field: issue.keys.join(', '), message: 'unknown field' };
    return { field: issue.path.length > 0 ? issue.path.join('.') : 'record', message: issue.message };
  });
}
