/** Commander option parsers shared by commands: they turn bad values into a usage error naming the option. */
import { InvalidArgumentError } from 'commander';
import { EpochMsSchema } from '../core/schemas.js';

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive integer');
  return value;
}

export function nonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return value;
}

/** A time in ms since the epoch, within the range the schemas accept (catches seconds given for milliseconds). */
export function epochMs(text: string): number {
  const result = EpochMsSchema.safeParse(Number(text));
  if (!result.success) throw new InvalidArgumentError(result.error.issues[0]!.message);
  return result.data;
}

export function port(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new InvalidArgumentError('must be a port, 0–65535');
  return value;
}
