// Argument parsers shared by the pipeline's commands: a bad value is a one-line message and exit 2.
import { InvalidArgumentError } from 'commander';
import { parseCutoff } from '../../timeline/index.ts';

export function cutoffArgument(value: string): Date {
  try {
    return parseCutoff(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export function positiveIntegerArgument(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${value} is not a positive integer`);
  return n;
}
