import { ApiError } from '../api/client';

/** One line for the user about a failed call. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A refused key: the session cannot go on (revoked key, deleted account). */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
