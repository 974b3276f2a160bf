/** Turns schema issues into the project's field problems: one per bad field, unknown keys named one by one. */
import type { FieldProblem } from './errors.js';

export interface IssueLike {
  code?: string;
  path?: ReadonlyArray<PropertyKey>;
  keys?: string[];
  message?: string;
}

/** `index` is the position of the validated item in its batch or file, when there is one. */
export function problemsFromIssues(issues: readonly IssueLike[], index?: number, fallbackField = 'body'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const path = (issue.path ?? []).map(String);
    const message = issue.message ?? 'invalid';
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) problems.push(problem(index, [...path, key].join('.'), `unknown field "${key}"`));
      continue;
    }
    problems.push(problem(index, path.length > 0 ? path.join('.') : fallbackField, message));
  }
  return problems;
}

function problem(index: number | undefined, field: string, message: string): FieldProblem {
  return index === undefined ? { field, message } : { index, field, message };
}
